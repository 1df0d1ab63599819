#include "sim/plain.h"

#define C4(c) [c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1
const unsigned char rrd__json_stop[256] = {
	C4(0x00), C4(0x04), C4(0x08), C4(0x0c), C4(0x10), C4(0x14), C4(0x18), C4(0x1c),
	['"'] = 1, ['\\'] = 1,
};

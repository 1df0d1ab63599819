/* Which bytes a JSON string holds as they are, for the scenario reader and
 * the output writer, which both scan strings one byte at a time. */
#ifndef RRD_SIM_PLAIN_H
#define RRD_SIM_PLAIN_H

/* 1 for the bytes that end a plain run in a JSON string: control bytes
 * (the NUL that ends a C string among them), the quote and the backslash;
 * 0 for every other, UTF-8 included. */
extern const unsigned char rrd__json_stop[256];

#endif

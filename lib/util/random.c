#include "util/random.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#if defined(__has_include)
#  if __has_include(<sys/random.h>)
#    include <sys/random.h>
#    define HAVE_GETRANDOM 1
#  endif
#endif

#include "util/hashmap.h"

/* Fill buf with n bytes from the kernel's generator; 0 when it cannot. */
static int kernel_random(unsigned char *buf, size_t n)
{
	size_t got = 0;
#ifdef HAVE_GETRANDOM
	while (got < n) {
		ssize_t r = getrandom(buf + got, n - got, 0);
		if (r > 0)
			got += (size_t)r;
		else if (r < 0 && errno == EINTR)
			continue;
		else
			break; /* ENOSYS on an old kernel: try the device */
	}
#endif
	if (got == n)
		return 1;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r > 0)
			got += (size_t)r;
		else if (r < 0 && errno == EINTR)
			continue;
		else
			break;
	}
	close(fd);
	return got == n;
}

uint64_t rrd__random_token(void)
{
	unsigned char b[8];
	if (kernel_random(b, sizeof b)) {
		uint64_t v = 0;
		for (size_t i = 0; i < sizeof b; i++)
			v = v << 8 | b[i];
		return v;
	}
	/* No generator at all: the instant, to the nanosecond, on two
	 * clocks, with the pid; names made from it hold host and pid
	 * besides where they must, so two processes still differ. */
	struct timespec rt = { 0 }, mono = { 0 };
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	char text[128];
	snprintf(text, sizeof text, "%lld.%ld:%lld.%ld:%ld:%p", (long long)rt.tv_sec,
		 rt.tv_nsec, (long long)mono.tv_sec, mono.tv_nsec, (long)getpid(), (void *)&rt);
	return rrd__id_hash64(text);
}

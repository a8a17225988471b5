/*
 * LD_PRELOAD shim of the test cluster's daemons (`testcluster up`
 * compiles it into the state directory). Two changes, each opt-in:
 *
 * 1. TESTCLUSTER_BIND_ADDR=a.b.c.d: a bind() to 0.0.0.0 binds to that address.
 *    slurmdbd always listens on every address, and slurmctld and slurmd can only
 *    be told to bind to the address of the machine's hostname (NoInAddrAny),
 *    the same for every node. With this, each daemon listens on its own loopback
 *    address only: the controller on .1, node cn01 on .11, and so on.
 *    A connect() to a loopback address from a socket not yet bound is sent
 *    from that address too, not from 127.0.0.1: slurmdbd records the address
 *    slurmctld connects from as the cluster's ControlHost and sends its
 *    updates there (a user or limit added with sacctmgr while slurmctld runs);
 *    from 127.0.0.1 they would go to no controller, or to another cluster's.
 *
 * 2. TESTCLUSTER_FAST_TICK=1 (slurmctld only): its main thread's 100 ms naps
 *    become 10 ms. slurmctld's background loop naps 10 x 100 ms between rounds,
 *    and a submitted batch job waits for the next round to be scheduled (Slurm
 *    never starts a batch job inside the submit RPC), so on an idle cluster a
 *    job waits 0-1 s for nothing. With 10 ms naps it waits 0-0.1 s. Everything
 *    else the loop does is timed by the wall clock in whole seconds, so it does
 *    not run more often.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef int (*sockaddr_call)(int, const struct sockaddr *, socklen_t);

/* libc's bind or connect, looked up once. */
static sockaddr_call real(sockaddr_call *cached, const char *name)
{
	if (!*cached)
		*cached = (sockaddr_call)dlsym(RTLD_NEXT, name);
	return *cached;
}

/* TESTCLUSTER_BIND_ADDR when it is set and addr is an IPv4 address; else NULL. */
static const char *bind_addr_for(const struct sockaddr *addr, socklen_t len)
{
	const char *want = getenv("TESTCLUSTER_BIND_ADDR");

	if (want && addr && addr->sa_family == AF_INET &&
	    len >= (socklen_t)sizeof(struct sockaddr_in))
		return want;
	return NULL;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	static sockaddr_call libc_bind;
	const char *want = bind_addr_for(addr, len);
	struct sockaddr_in copy;

	if (want) {
		copy = *(const struct sockaddr_in *)addr;
		if (copy.sin_addr.s_addr == htonl(INADDR_ANY) &&
		    inet_pton(AF_INET, want, &copy.sin_addr) == 1) {
			addr = (const struct sockaddr *)&copy;
			len = sizeof(copy);
		}
	}
	return real(&libc_bind, "bind")(fd, addr, len);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	static sockaddr_call libc_connect;
	const char *want = bind_addr_for(addr, len);

	if (want &&
	    (ntohl(((const struct sockaddr_in *)addr)->sin_addr.s_addr) >> 24) == 127) {
		struct sockaddr_in cur;
		socklen_t cur_len = sizeof(cur);

		if (getsockname(fd, (struct sockaddr *)&cur, &cur_len) == 0 &&
		    cur.sin_family == AF_INET && cur.sin_port == 0 &&
		    cur.sin_addr.s_addr == htonl(INADDR_ANY)) {
			struct sockaddr_in src = { .sin_family = AF_INET };

			if (inet_pton(AF_INET, want, &src.sin_addr) == 1)
				bind(fd, (struct sockaddr *)&src, sizeof(src));
		}
	}
	return real(&libc_connect, "connect")(fd, addr, len);
}

int usleep(useconds_t usec)
{
	static int (*real_usleep)(useconds_t);
	static int fast = -1;

	if (!real_usleep)
		real_usleep = (int (*)(useconds_t))dlsym(RTLD_NEXT, "usleep");
	if (fast < 0)
		fast = getenv("TESTCLUSTER_FAST_TICK") != NULL;
	if (fast && usec == 100000 && syscall(SYS_gettid) == getpid())
		usec = 10000;
	return real_usleep(usec);
}

// SPDX-License-Identifier: Apache-2.0
//
// /agnhost inside a lab pod whose image is agnhost: the "connect" subcommand that e2e tests and policy labs use to
// probe, with agnhost's contract (exit 0 on success; else exit 1 and one stderr line starting UNKNOWN, TIMEOUT, DNS,
// REFUSED or OTHER). Written for the sandbox: it runs unprivileged in the pod's network namespace, so packets take the
// pod's datapath and policy. Server subcommands (netexec, serve-hostname) are the container's own process in a lab,
// not something exec starts; they are refused here with that said.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <arpa/inet.h>

static void die(const char *prefix, const char *detail)
{
	if (detail)
		fprintf(stderr, "%s: %s\n", prefix, detail);
	else
		fprintf(stderr, "%s\n", prefix);
	exit(1);
}

// A Go duration ("5s", "500ms", "1m30s", "0") in milliseconds; -1 when malformed.
static long long parse_duration(const char *s)
{
	if (strcmp(s, "0") == 0)
		return 0;
	double total = 0;
	const char *p = s;
	if (*p == '\0')
		return -1;
	while (*p) {
		char *end;
		double v = strtod(p, &end);
		if (end == p || v < 0)
			return -1;
		p = end;
		double unit;
		if (strncmp(p, "ns", 2) == 0) { unit = 1e-6; p += 2; }
		else if (strncmp(p, "us", 2) == 0) { unit = 1e-3; p += 2; }
		else if (strncmp(p, "\xc2\xb5s", 3) == 0) { unit = 1e-3; p += 3; }
		else if (strncmp(p, "ms", 2) == 0) { unit = 1; p += 2; }
		else if (*p == 's') { unit = 1000; p += 1; }
		else if (*p == 'm') { unit = 60000; p += 1; }
		else if (*p == 'h') { unit = 3600000; p += 1; }
		else return -1;
		total += v * unit;
	}
	return (long long)total;
}

// host:port split as Go's net.SplitHostPort does for the cases tests use ("[::1]:80" and "name:80").
static void split_host_port(const char *dest, char *host, size_t hostlen, char *port, size_t portlen)
{
	char detail[512];
	const char *colon = strrchr(dest, ':');
	if (!colon) {
		snprintf(detail, sizeof detail, "address %s: missing port in address", dest);
		die("UNKNOWN", detail);
	}
	const char *h = dest;
	size_t n = (size_t)(colon - dest);
	if (n >= 2 && dest[0] == '[' && dest[n - 1] == ']') {
		h = dest + 1;
		n -= 2;
	} else if (memchr(dest, ':', n)) {
		snprintf(detail, sizeof detail, "address %s: too many colons in address", dest);
		die("UNKNOWN", detail);
	}
	if (n >= hostlen || strlen(colon + 1) >= portlen)
		die("UNKNOWN", "address too long");
	memcpy(host, h, n);
	host[n] = '\0';
	strcpy(port, colon + 1);
}

static struct addrinfo *resolve(const char *dest, int socktype)
{
	char host[256], port[32], detail[600];
	split_host_port(dest, host, sizeof host, port, sizeof port);
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = socktype };
	struct addrinfo *found = NULL;
	int rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &found);
	if (rc != 0) {
		snprintf(detail, sizeof detail, "lookup %s: %s", host, rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		die("DNS", detail);
	}
	return found;
}

static void describe(const struct sockaddr *sa, char *out, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	int port = 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
		port = ntohs(in->sin_port);
		snprintf(out, len, "%s:%d", ip, port);
	} else {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
		port = ntohs(in6->sin6_port);
		snprintf(out, len, "[%s]:%d", ip, port);
	}
}

static int connect_tcp(const char *dest, long long timeout_ms)
{
	struct addrinfo *ai = resolve(dest, SOCK_STREAM);
	char where[128], detail[300];
	describe(ai->ai_addr, where, sizeof where);
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(detail, sizeof detail, "dial tcp %s: socket: %s", where, strerror(errno));
		die("OTHER", detail);
	}
	int err = 0;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS) {
			err = errno;
		} else {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			int ready = poll(&p, 1, timeout_ms > 0 ? (int)(timeout_ms > 2147483647LL ? 2147483647LL : timeout_ms) : -1);
			if (ready == 0)
				die("TIMEOUT", NULL);
			socklen_t len = sizeof err;
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
		}
	}
	if (err == 0) {
		close(fd);
		return 0;
	}
	if (err == ETIMEDOUT)
		die("TIMEOUT", NULL);
	if (err == ECONNREFUSED)
		die("REFUSED", NULL);
	// Go words errno texts in lower case ("connect: no route to host").
	char reason[128];
	snprintf(reason, sizeof reason, "%s", strerror(err));
	if (reason[0] >= 'A' && reason[0] <= 'Z')
		reason[0] = (char)(reason[0] - 'A' + 'a');
	snprintf(detail, sizeof detail, "dial tcp %s: connect: %s", where, reason);
	die("OTHER", detail);
	return 1;
}

static int connect_udp(const char *dest, long long timeout_ms, const char *data)
{
	struct addrinfo *ai = resolve(dest, SOCK_DGRAM);
	char local[128], remote[128], detail[400];
	describe(ai->ai_addr, remote, sizeof remote);
	int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		snprintf(detail, sizeof detail, "dial udp %s: %s", remote, strerror(errno));
		die("OTHER", detail);
	}
	struct sockaddr_storage me;
	socklen_t melen = sizeof me;
	getsockname(fd, (struct sockaddr *)&me, &melen);
	describe((struct sockaddr *)&me, local, sizeof local);
	if (timeout_ms > 0) {
		struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	}
	char payload[1100];
	snprintf(payload, sizeof payload, "%s\n", data);
	const char *step = "write";
	ssize_t n = send(fd, payload, strlen(payload), 0);
	char buf[1024];
	if (n >= 0) {
		step = "read";
		n = recv(fd, buf, sizeof buf, 0);
	}
	if (n < 0) {
		int e = errno;
		if (e == EAGAIN || e == EWOULDBLOCK) {
			snprintf(detail, sizeof detail, "%s udp %s->%s: i/o timeout", step, local, remote);
			die("TIMEOUT", detail);
		}
		snprintf(detail, sizeof detail, "%s udp %s->%s: %s", step, local, remote, e == ECONNREFUSED ? "connection refused" : strerror(e));
		die(e == ECONNREFUSED ? "REFUSED" : "UNKNOWN", detail);
	}
	if (n == 0)
		die("OTHER", "No data received from the server. Cannot guarantee the server received the request.");
	return 0;
}

static void usage_error(const char *message)
{
	fprintf(stderr, "Error: %s\n", message);
	fprintf(stderr, "Usage:\n  agnhost connect [host:port] [flags]\n\nFlags:\n"
			"      --protocol string   The protocol to use to perform the connection, can be tcp, udp or sctp (default \"tcp\")\n"
			"      --timeout duration  Maximum time before returning an error\n"
			"      --udp-data string   The UDP payload send to the server (default \"hostname\")\n");
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "agnhost in this lab offers: connect HOST:PORT [--protocol=tcp|udp] [--timeout=DURATION] [--udp-data=TEXT]\n");
		return 1;
	}
	if (strcmp(argv[1], "connect") != 0) {
		if (strcmp(argv[1], "netexec") == 0 || strcmp(argv[1], "serve-hostname") == 0 || strcmp(argv[1], "porter") == 0)
			fprintf(stderr, "agnhost %s runs as the pod's own container process in this lab (set it in the container's args); exec offers agnhost connect\n", argv[1]);
		else
			fprintf(stderr, "Error: unknown command \"%s\" for \"agnhost\"; this lab's agnhost offers connect\n", argv[1]);
		return 1;
	}
	const char *protocol = "tcp", *udp_data = "hostname", *dest = NULL, *timeout_text = "0";
	int positional = 0;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char **target = NULL;
		const char *name = NULL;
		if (strncmp(a, "--protocol", 10) == 0) { target = &protocol; name = "--protocol"; }
		else if (strncmp(a, "--timeout", 9) == 0) { target = &timeout_text; name = "--timeout"; }
		else if (strncmp(a, "--udp-data", 10) == 0) { target = &udp_data; name = "--udp-data"; }
		else if (strncmp(a, "--sctp-data", 11) == 0) { target = &udp_data; name = "--sctp-data"; }
		if (target) {
			size_t len = strlen(name);
			if (a[len] == '=') {
				*target = a + len + 1;
			} else if (a[len] == '\0' && i + 1 < argc) {
				*target = argv[++i];
			} else {
				char m[300];
				snprintf(m, sizeof m, a[len] == '\0' ? "flag needs an argument: %s" : "unknown flag: %s", a);
				usage_error(m);
			}
			continue;
		}
		if (a[0] == '-' && a[1] != '\0') {
			char m[300];
			snprintf(m, sizeof m, "unknown flag: %s", a);
			usage_error(m);
		}
		dest = a;
		positional++;
	}
	if (positional != 1) {
		char m[100];
		snprintf(m, sizeof m, "accepts 1 arg(s), received %d", positional);
		usage_error(m);
	}
	long long timeout_ms = parse_duration(timeout_text);
	if (timeout_ms < 0) {
		char m[300];
		snprintf(m, sizeof m, "invalid argument \"%s\" for \"--timeout\" flag: time: invalid duration \"%s\"", timeout_text, timeout_text);
		usage_error(m);
	}
	if (strcmp(protocol, "") == 0 || strcmp(protocol, "tcp") == 0)
		return connect_tcp(dest, timeout_ms);
	if (strcmp(protocol, "udp") == 0)
		return connect_udp(dest, timeout_ms, udp_data);
	if (strcmp(protocol, "sctp") == 0)
		die("OTHER", "SCTP is not available in this lab's kernel (CONFIG_IP_SCTP unset)");
	fprintf(stderr, "Unsupported protocol\n%s", protocol);
	return 1;
}

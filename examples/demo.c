/*
 * demo — the library doing its main job on real sockets: look things up in
 * the system's databases and resolver, then run a TCP echo exchange and a
 * UDP ping over loopback, all through the nativesockets API.
 *
 *   cc demo.c $(pkg-config --cflags --libs nativesockets) -o demo && ./demo
 *
 * Exits non-zero if any step fails.
 */
#include <nativesockets.h>

#include <stdio.h>
#include <string.h>

static int failures;

static int check(const char *what, int rc) {
  if (rc < 0) {
    printf("  %-34s FAILED: %s (%s)\n", what, ns_err_name(rc), ns_strerror(rc));
    failures++;
  }
  return rc;
}

static void show_databases(void) {
  char host[NS_HOSTNAME_MAX];
  ns_servent serv;
  ns_hostent ent;
  int proto = 0;
  size_t i;
  printf("nativesockets %s\n\n", ns_version());
  if (check("gethostname", ns_get_hostname(host, sizeof(host))) == NS_OK)
    printf("  %-34s %s\n", "host name", host);
  if (check("getservbyname http/tcp", ns_get_serv_by_name("http", "tcp", &serv)) == NS_OK) {
    printf("  %-34s port %u\n", "service http/tcp", serv.port);
    ns_servent_free(&serv);
  }
  if (check("getservbyport 443/tcp", ns_get_serv_by_port(443, "tcp", &serv)) == NS_OK) {
    printf("  %-34s %s\n", "service on port 443/tcp", serv.name);
    ns_servent_free(&serv);
  }
  if (check("getprotobyname udp", ns_get_proto_by_name("udp", &proto)) == NS_OK)
    printf("  %-34s %d\n", "protocol udp", proto);
  if (check("gethostbyname localhost", ns_get_host_by_name("localhost", &ent)) == NS_OK) {
    printf("  %-34s %s ->", "host localhost", ent.name);
    for (i = 0; i < ent.addr_count; i++) printf(" %s", ent.addr_list[i]);
    printf("\n");
    ns_hostent_free(&ent);
  }
  if (check("gethostbyaddr 127.0.0.1", ns_get_host_by_addr("127.0.0.1", &ent)) == NS_OK) {
    printf("  %-34s %s\n", "name of 127.0.0.1", ent.name);
    ns_hostent_free(&ent);
  }
}

/* A listener on 127.0.0.1, an ephemeral port. */
static int open_listener(ns_socket *listener, ns_port *port) {
  struct addrinfo *ai = NULL;
  int rc = ns_get_addr_info("127.0.0.1", 0, NS_AF_INET, NS_SOCK_STREAM,
                            NS_IPPROTO_TCP, &ai);
  if (rc != NS_OK) return rc;
  rc = ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP,
                               false, listener);
  if (rc == NS_OK) rc = ns_bind_addr(*listener, ai->ai_addr, (socklen_t)ai->ai_addrlen);
  if (rc == NS_OK) rc = ns_listen(*listener, NS_SOMAXCONN);
  if (rc == NS_OK) rc = ns_get_sock_name(*listener, port);
  ns_free_addr_info(ai);
  return rc;
}

static void tcp_echo(void) {
  ns_socket listener = NS_INVALID_SOCKET, client = NS_INVALID_SOCKET;
  ns_socket server = NS_INVALID_SOCKET, ready[1];
  struct addrinfo *ai = NULL;
  ns_port port = 0;
  size_t count = 1;
  char peer[NS_ADDRSTRLEN], buf[64];
  const char *message = "hello over loopback";
  ptrdiff_t n;
  printf("\nTCP echo over 127.0.0.1\n");
  if (check("listen", open_listener(&listener, &port)) != NS_OK) goto done;
  printf("  %-34s port %u\n", "listening on 127.0.0.1", port);
  if (check("resolve", ns_get_addr_info("127.0.0.1", port, NS_AF_INET, NS_SOCK_STREAM,
                                        NS_IPPROTO_TCP, &ai)) != NS_OK)
    goto done;
  if (check("socket", ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP,
                                              false, &client)) != NS_OK)
    goto done;
  if (check("connect", ns_connect(client, ai->ai_addr, (socklen_t)ai->ai_addrlen)) != NS_OK)
    goto done;
  ready[0] = listener;
  if (check("select_read(listener)", ns_select_read(ready, &count, 5000)) != 1) goto done;
  if (check("accept", ns_accept(listener, false, &server, peer, sizeof(peer))) != NS_OK)
    goto done;
  printf("  %-34s %s\n", "accepted a client from", peer);
  check("send", (int)ns_send(client, message, strlen(message), 0));
  n = check("recv (server)", (int)ns_recv(server, buf, sizeof(buf), 0));
  if (n > 0) check("echo", (int)ns_send(server, buf, (size_t)n, 0));
  n = check("recv (client)", (int)ns_recv(client, buf, sizeof(buf) - 1, 0));
  if (n >= 0) {
    buf[n] = '\0';
    printf("  %-34s \"%s\"\n", "client got back", buf);
    if (strcmp(buf, message) != 0) check("echo matches", NS_EUNKNOWN);
  }
done:
  ns_free_addr_info(ai);
  if (server != NS_INVALID_SOCKET) ns_close(server);
  if (client != NS_INVALID_SOCKET) ns_close(client);
  if (listener != NS_INVALID_SOCKET) ns_close(listener);
}

static void udp_ping(void) {
  ns_socket a = NS_INVALID_SOCKET, b = NS_INVALID_SOCKET;
  struct sockaddr_in addr;
  struct sockaddr_storage from;
  socklen_t from_len = sizeof(from);
  ns_port port = 0;
  char buf[16], text[NS_ADDRSTRLEN];
  ptrdiff_t n;
  printf("\nUDP ping over 127.0.0.1\n");
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = ns_htonl(0x7f000001u);
  if (check("socket", ns_create_native_socket(NS_AF_INET, NS_SOCK_DGRAM, NS_IPPROTO_UDP, false, &a)) != NS_OK ||
      check("socket", ns_create_native_socket(NS_AF_INET, NS_SOCK_DGRAM, NS_IPPROTO_UDP, false, &b)) != NS_OK ||
      check("bind", ns_bind_addr(b, (struct sockaddr *)&addr, sizeof(addr))) != NS_OK ||
      check("getsockname", ns_get_sock_name(b, &port)) != NS_OK)
    goto done;
  addr.sin_port = ns_htons(port);
  check("sendto", (int)ns_sendto(a, "ping", 4, 0, (struct sockaddr *)&addr, sizeof(addr)));
  n = check("recvfrom", (int)ns_recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &from_len));
  if (n == 4 && ns_get_addr_string((struct sockaddr *)&from, text, sizeof(text)) == NS_OK)
    printf("  %-34s \"%.4s\" from %s\n", "datagram", buf, text);
  else
    check("datagram", NS_EUNKNOWN);
done:
  if (a != NS_INVALID_SOCKET) ns_close(a);
  if (b != NS_INVALID_SOCKET) ns_close(b);
}

int main(void) {
  show_databases();
  tcp_echo();
  udp_ping();
  printf("\n%s\n", failures == 0 ? "demo: all steps succeeded" : "demo: some steps failed");
  return failures == 0 ? 0 : 1;
}

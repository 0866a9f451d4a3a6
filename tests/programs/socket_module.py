"""Exercises Python's socket module (which calls the C library's socket and name functions) and
prints every result, or the exception's type and message, one line each; tests/programs/run.sh runs
it with and without netlibc preloaded and compares the output. Usage: socket_module.py [PART...]"""
import os
import socket
import sys
import threading

AF = {socket.AF_INET: "AF_INET", socket.AF_INET6: "AF_INET6", socket.AF_UNSPEC: "AF_UNSPEC"}


def show(label, call, *args, **kwargs):
    try:
        result = call(*args, **kwargs)
    except Exception as error:  # the exception's type and text are what is compared
        result = f"{type(error).__name__}: {error}"
    print(f"{label}{args!r}{kwargs if kwargs else ''} -> {result!r}")


def getaddrinfo_cases():
    hosts = [None, "localhost", "127.0.0.1", "::1", "0.0.0.0", "::", "127.1", "0x7f.1", "1.2.3.4",
             "::ffff:1.2.3.4", "fe80::1%lo", "fe80::1%1", "2001:db8::1", "", "nosuch.test",
             "bad..name.test", "256.1.1.1", "1.2.3.4 junk"]
    ports = [None, 0, 80, "80", "http", "domain", "65535", "65536", "-1", "nosuch-service", "echo"]
    families = [socket.AF_UNSPEC, socket.AF_INET, socket.AF_INET6, 12345]
    types = [0, socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_RAW]
    for host in hosts:
        for port in ports:
            show("getaddrinfo", socket.getaddrinfo, host, port)
    for family in families:
        for kind in types:
            for host in ["localhost", "127.0.0.1", "::1", None]:
                show("getaddrinfo", socket.getaddrinfo, host, "53", family, kind)
    flags = [0, socket.AI_PASSIVE, socket.AI_CANONNAME, socket.AI_NUMERICHOST, socket.AI_NUMERICSERV,
             socket.AI_V4MAPPED, socket.AI_V4MAPPED | socket.AI_ALL, socket.AI_ADDRCONFIG, 0x10000]
    for flag in flags:
        for host in [None, "localhost", "127.0.0.1", "::1"]:
            for family in [socket.AF_UNSPEC, socket.AF_INET6]:
                show("getaddrinfo", socket.getaddrinfo, host, "http", family, socket.SOCK_STREAM, 0, flag)
    for proto in [0, socket.IPPROTO_TCP, socket.IPPROTO_UDP, 132, 99]:
        show("getaddrinfo", socket.getaddrinfo, "127.0.0.1", 7, socket.AF_INET, 0, proto)


def getnameinfo_cases():
    addresses = [("127.0.0.1", 80), ("127.0.0.1", 0), ("::1", 53), ("::1", 53, 0, 1), ("fe80::1", 22, 0, 1),
                 ("1.2.3.4", 8080), ("0.0.0.0", 65535), ("::ffff:127.0.0.1", 443), ("2001:db8::1", 7)]
    flags = [0, socket.NI_NUMERICHOST, socket.NI_NUMERICSERV, socket.NI_NUMERICHOST | socket.NI_NUMERICSERV,
             socket.NI_DGRAM, socket.NI_NAMEREQD, socket.NI_NOFQDN]
    for address in addresses:
        for flag in flags:
            show("getnameinfo", socket.getnameinfo, address, flag)
    show("getnameinfo", socket.getnameinfo, ("localhost", 80), 0)
    show("getnameinfo", socket.getnameinfo, ("nosuch.test", 80), 0)


def host_cases():
    for name in ["localhost", "127.0.0.1", "127.1", "::1", "nosuch.test", "", "1.2.3.4"]:
        show("gethostbyname", socket.gethostbyname, name)
        show("gethostbyname_ex", socket.gethostbyname_ex, name)
    for address in ["127.0.0.1", "::1", "192.0.2.99", "localhost", "300.1.1.1", "fe80::1%lo"]:
        show("gethostbyaddr", socket.gethostbyaddr, address)


def database_cases():
    for name, proto in [("http", None), ("http", "tcp"), ("domain", "udp"), ("nosuch", None),
                        ("ssh", "udp"), ("ntp", "udp"), ("www", "tcp")]:
        show("getservbyname", socket.getservbyname, name, *([proto] if proto else []))
    for port, proto in [(80, None), (53, "udp"), (22, "tcp"), (9, None), (65000, None), (-1, None),
                        (65536, None), (123, "tcp")]:
        show("getservbyport", socket.getservbyport, port, *([proto] if proto else []))
    for name in ["tcp", "udp", "icmp", "ipv6-icmp", "TCP", "nosuch", "ip"]:
        show("getprotobyname", socket.getprotobyname, name)


def conversion_cases():
    for text in ["1.2.3.4", "255.255.255.255", "1.2.3", "127.1", "0x7f.1", "1.2.3.4 junk", "01.2.3.4", "",
                 "1.2.3.256", "::1", "a:b"]:
        show("inet_pton", socket.inet_pton, socket.AF_INET, text)
        show("inet_aton", socket.inet_aton, text)
    for text in ["::", "::1", "1::", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "::0.0.1.2",
                 "fe80::1%lo", ":::", "1::2::3", "0:0:0:0:0:0:0:0", "1:0:0:2:0:0:0:3", "g::"]:
        show("inet_pton", socket.inet_pton, socket.AF_INET6, text)
    for packed in [b"\x01\x02\x03\x04", b"\xff" * 4, b"\0" * 4, b"\x01\x02\x03"]:
        show("inet_ntop", socket.inet_ntop, socket.AF_INET, packed)
        show("inet_ntoa", socket.inet_ntoa, packed)
    for packed in [bytes(16), bytes(15) + b"\1", bytes(10) + b"\xff\xff\1\2\3\4", bytes(12) + b"\0\0\1\2",
                   b"\x20\x01\x0d\xb8" + bytes(11) + b"\1", bytes(range(16)), bytes(15)]:
        show("inet_ntop", socket.inet_ntop, socket.AF_INET6, packed)
    show("inet_pton", socket.inet_pton, 12345, "1.2.3.4")
    show("inet_ntop", socket.inet_ntop, 12345, b"1234")


def stream_round_trip(family, host):
    with socket.socket(family, socket.SOCK_STREAM) as server:
        server.bind((host, 0))
        server.listen()
        port = server.getsockname()[1]

        def serve():
            connection, _ = server.accept()
            with connection:
                while data := connection.recv(65536):
                    connection.sendall(data.upper())

        thread = threading.Thread(target=serve)
        thread.start()
        with socket.create_connection((host, port)) as client:
            peer = client.getpeername()[0]
            nodelay = client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            payload = b"netlibc" * 40000
            client.sendall(payload)
            client.shutdown(socket.SHUT_WR)
            received = b""
            while data := client.recv(65536):
                received += data
            print(f"tcp {AF[family]} {host}: {len(received)} bytes, upper={received == payload.upper()}",
                  f"peer={peer} nodelay={nodelay}")
        thread.join()


def datagram_round_trip(family, host):
    with socket.socket(family, socket.SOCK_DGRAM) as server, socket.socket(family, socket.SOCK_DGRAM) as client:
        server.bind((host, 0))
        client.settimeout(5)
        server.settimeout(5)
        for message in [b"one", b"", b"x" * 60000]:
            client.sendto(message, server.getsockname())
            data, sender = server.recvfrom(65536)
            server.sendto(data[::-1], sender)
            reply, _ = client.recvfrom(65536)
            print(f"udp {AF[family]} {host}: sent {len(message)} got {len(reply)} ok={reply == message[::-1]}")


def socket_cases():
    stream_round_trip(socket.AF_INET, "127.0.0.1")
    stream_round_trip(socket.AF_INET6, "::1")
    stream_round_trip(socket.AF_INET, "localhost")
    datagram_round_trip(socket.AF_INET, "127.0.0.1")
    datagram_round_trip(socket.AF_INET6, "::1")
    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"ping")
        print("socketpair:", right.recv(4), left.family == socket.AF_UNIX)
        right.sendmsg([b"a", b"b"])
        print("sendmsg/recvmsg:", left.recvmsg(10)[0])
        print("sockopt SO_TYPE:", left.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_STREAM)
    show("socket", socket.socket, 12345, socket.SOCK_STREAM)
    show("socket", socket.socket, socket.AF_INET, 12345)
    with socket.socket() as s:
        show("connect", s.connect, ("127.0.0.1", 1))
        show("bind", s.bind, ("192.0.2.1", 0))
        show("getpeername", s.getpeername)
        show("listen-on-unbound", s.listen)
        show("bind-bad-name", s.bind, ("nosuch.test", 0))
    with socket.socket(socket.AF_INET6) as s:
        show("connect6", s.connect, ("::1", 1))
    show("create_connection", socket.create_connection, ("localhost", 1))
    r, w = os.pipe()
    show("fromfd-on-pipe", lambda: socket.socket(fileno=r))
    os.close(r)
    os.close(w)


def dns_cases():
    names = ["www.test", "v4.www.test", "v6.www.test", "alias.www.test", "nosuch.test", "nosuch.invalid"]
    for name in names:
        show("getaddrinfo", socket.getaddrinfo, name, "http", socket.AF_UNSPEC, socket.SOCK_STREAM)
        show("getaddrinfo", socket.getaddrinfo, name, None, socket.AF_INET6, 0, 0, socket.AI_V4MAPPED)
        show("getaddrinfo", socket.getaddrinfo, name, 80, 0, 0, 0, socket.AI_CANONNAME)
        show("gethostbyname", socket.gethostbyname, name)
        show("gethostbyname_ex", socket.gethostbyname_ex, name)
    with socket.create_connection(("www.test", int(os.environ["PORT"]))) as connection:
        connection.sendall(b"GET /two.txt HTTP/1.0\r\nHost: www.test\r\n\r\n")
        print("http via www.test:", connection.makefile("rb").read().split(b"\r\n\r\n", 1)[1])


def refuse_real_nameservers():
    """Names like nosuch.invalid reach DNS: run only where every nameserver is on loopback (run.sh's
    namespace), never against the machine's real one."""
    with open("/etc/resolv.conf") as conf:
        servers = [line.split()[1] for line in conf if line.startswith("nameserver") and len(line.split()) > 1]
    if not servers or any(not server.startswith("127.") and server != "::1" for server in servers):
        sys.exit("socket_module.py: /etc/resolv.conf names a non-loopback nameserver; run it via tests/programs/run.sh")


refuse_real_nameservers()
PARTS = {"gai": getaddrinfo_cases, "gni": getnameinfo_cases, "hosts": host_cases, "db": database_cases,
         "inet": conversion_cases, "sockets": socket_cases, "dns": dns_cases}
for part in sys.argv[1:] or PARTS:
    PARTS[part]()

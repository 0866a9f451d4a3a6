"""Exits 0 once the tests' HTTP server (port argv[1] on ::1) and DNS server (127.0.0.77:53) answer."""
import socket
import struct
import sys

port = int(sys.argv[1])
with socket.create_connection(("::1", port), timeout=1):
    pass
header = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
name = b"".join(bytes([len(label)]) + label for label in (b"dual", b"test")) + b"\0"
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.settimeout(1)
    s.sendto(header + name + struct.pack("!HH", 1, 1), ("127.0.0.77", 53))
    s.recv(512)

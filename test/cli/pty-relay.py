#!/usr/bin/env python3
# Runs a command in a pseudo-terminal and relays between it and this process's pipes, so a test can
# drive a program that needs a real terminal (the REPL: line editing, Ctrl-C as a key, Ctrl-D).
# Usage: pty-relay.py COMMAND [ARGS...]. Bytes on stdin are typed into the terminal; whatever the
# program writes to the terminal comes out on stdout. When the program exits, its status is written
# to stderr as "EXIT n" and this script exits with it.
import errno
import fcntl
import os
import pty
import select
import struct
import sys
import termios

pid, master = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])

fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack('HHHH', 50, 200, 0, 0))
stdin_open = True
while True:
    readers = [master] + ([0] if stdin_open else [])
    ready, _, _ = select.select(readers, [], [])
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            data = b''
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 65536)
        if not data:
            stdin_open = False
        else:
            os.write(master, data)

_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
sys.stderr.write('EXIT %d\n' % code)
sys.exit(code if code >= 0 else 128 - code)

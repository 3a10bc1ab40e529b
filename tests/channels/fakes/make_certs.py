#!/usr/bin/python3
"""Makes a throwaway CA and a server certificate for 127.0.0.1/localhost with the openssl CLI.

usage: make_certs.py DIR [PREFIX]  ->  DIR/PREFIXca.pem, DIR/PREFIXserver.pem, DIR/PREFIXserver.key
"""
import os
import subprocess
import sys

d = sys.argv[1]
prefix = sys.argv[2] if len(sys.argv) > 2 else ""
p = lambda name: os.path.join(d, prefix + name)


def run(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
run("req", "-x509", *ec, "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "2",
    "-subj", "/CN=dunghan test CA " + prefix)
run("req", *ec, "-keyout", p("server.key"), "-out", p("server.csr"), "-subj", "/CN=127.0.0.1")
with open(p("ext.cnf"), "w") as f:
    f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n")
run("x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
    "-CAcreateserial", "-out", p("server.pem"), "-days", "2", "-extfile", p("ext.cnf"))

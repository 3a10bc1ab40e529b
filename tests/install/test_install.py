#!/usr/bin/python3
"""`cmake --install BUILD --prefix P` writes only under P, the unit and tmpfiles name P's paths,
an existing configuration is kept, and prefix /usr puts the configuration in /etc.

Run: DUNGHAN_BUILD_DIR=build DUNGHAN_SOURCE_DIR=. /usr/bin/python3 -m unittest -v tests/install/test_install.py
"""
import filecmp
import os
import re
import subprocess
import tempfile
import unittest

BUILD = os.path.abspath(os.environ.get("DUNGHAN_BUILD_DIR", "build"))
SOURCE = os.path.abspath(os.environ.get("DUNGHAN_SOURCE_DIR", "."))
HOST_CONFIG = "/etc/dunghan/dunghan.toml"


def install(prefix, destdir=None):
    env = dict(os.environ)
    env.pop("DESTDIR", None)
    if destdir:
        env["DESTDIR"] = destdir
    r = subprocess.run(["cmake", "--install", BUILD, "--prefix", prefix], env=env,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError("cmake --install failed:\n" + r.stdout + r.stderr)
    with open(os.path.join(BUILD, "install_manifest.txt"), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()], r.stdout


def host_config_state():
    try:
        st = os.stat(HOST_CONFIG)
        return (st.st_ino, st.st_mtime_ns, st.st_size)
    except FileNotFoundError:
        return None


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class InstallPrefix(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="dunghan-install-")
        self.addCleanup(self.tmp.cleanup)

    def test_a_prefix_install_writes_only_under_the_prefix(self):
        before = host_config_state()
        prefix = os.path.join(self.tmp.name, "opt dunghan")  # a space, too
        files, _ = install(prefix)
        self.assertTrue(files)
        outside = [f for f in files if not f.startswith(prefix + "/")]
        self.assertEqual(outside, [], "installed outside the prefix")
        self.assertEqual(host_config_state(), before, HOST_CONFIG + " was touched")

        expected = [
            "bin/dunghan",
            "etc/dunghan/dunghan.toml",
            "lib/systemd/system/dunghan.service",
            "lib/sysusers.d/dunghan.conf",
            "lib/tmpfiles.d/dunghan.conf",
            "share/man/man1/dunghan.1",
            "share/man/man5/dunghan.toml.5",
            "share/bash-completion/completions/dunghan",
            "share/doc/dunghan/README.md",
            "share/dunghan/dunghan.toml.sample",
            "share/dunghan/holidays/vn.toml",
            "share/dunghan/templates/email_subject.mustache",
        ]
        for rel in expected:
            self.assertIn(os.path.join(prefix, rel), files, rel)
            self.assertTrue(os.path.isfile(os.path.join(prefix, rel)), rel)
        docs = os.path.join(SOURCE, "docs")
        for doc in sorted(os.listdir(docs)) if os.path.isdir(docs) else []:
            self.assertIn(os.path.join(prefix, "share/doc/dunghan", doc), files, doc)
        self.assertTrue(filecmp.cmp(os.path.join(prefix, "etc/dunghan/dunghan.toml"),
                                    os.path.join(SOURCE, "config/dunghan.toml"), shallow=False))

        unit = read(os.path.join(prefix, "lib/systemd/system/dunghan.service"))
        conf = os.path.join(prefix, "etc/dunghan/dunghan.toml")
        self.assertIn("\nExecStart=%s/bin/dunghan run --config %s\n" % (prefix, conf), unit)
        self.assertIn("\nExecStartPre=%s/bin/dunghan check-config --config %s\n" % (prefix, conf),
                      unit)
        self.assertIn("file://%s/share/doc/dunghan/operations.md" % prefix, unit)
        tmpfiles = read(os.path.join(prefix, "lib/tmpfiles.d/dunghan.conf"))
        self.assertIn("\nd %s/etc/dunghan 0750 root dunghan -\n" % prefix, tmpfiles)
        for text in (unit, tmpfiles):
            self.assertIsNone(re.search(r"@[A-Z]+@", text), "a placeholder was left")

        # The installed files work together: the binary reads the installed configuration.
        binary = os.path.join(prefix, "bin/dunghan")
        r = subprocess.run([binary, "check-config", "--config", conf], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_an_existing_configuration_is_kept(self):
        prefix = os.path.join(self.tmp.name, "p")
        install(prefix)
        conf = os.path.join(prefix, "etc/dunghan/dunghan.toml")
        with open(conf, "w", encoding="utf-8") as f:
            f.write("# edited by the admin\n[service]\npoll_interval = 30\n")
        files, out = install(prefix)
        self.assertEqual(read(conf), "# edited by the admin\n[service]\npoll_interval = 30\n")
        self.assertIn("Keeping existing", out)
        self.assertNotIn(conf, files)

    def test_prefix_usr_puts_the_configuration_in_etc(self):
        destdir = os.path.join(self.tmp.name, "root")
        before = host_config_state()
        files, _ = install("/usr", destdir)
        self.assertEqual(host_config_state(), before, HOST_CONFIG + " was touched")
        # The manifest names the final paths (without DESTDIR): each must be under DESTDIR.
        for f in files:
            self.assertTrue(os.path.isfile(destdir + f), f + " is not under DESTDIR")
        self.assertIn("/etc/dunghan/dunghan.toml", files)
        self.assertIn("/usr/lib/systemd/system/dunghan.service", files)
        self.assertTrue(os.path.isfile(os.path.join(destdir, "etc/dunghan/dunghan.toml")))
        self.assertFalse(os.path.exists(os.path.join(destdir, "usr/etc")))
        unit = read(os.path.join(destdir, "usr/lib/systemd/system/dunghan.service"))
        self.assertIn("\nExecStart=/usr/bin/dunghan run --config /etc/dunghan/dunghan.toml\n",
                      unit)
        self.assertIn("\nDocumentation=man:dunghan(1) man:dunghan.toml(5) "
                      "file:///usr/share/doc/dunghan/operations.md\n", unit)
        tmpfiles = read(os.path.join(destdir, "usr/lib/tmpfiles.d/dunghan.conf"))
        self.assertIn("\nd /etc/dunghan 0750 root dunghan -\n", tmpfiles)


if __name__ == "__main__":
    unittest.main()

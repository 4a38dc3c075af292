"""Unit tests import the collection by its name, ucproxy.nginx, through collections/ (a link to
this checkout), as Ansible does."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "collections"))
# Test helpers shared by several test files (loopback_proxy.py).
sys.path.insert(0, str(Path(__file__).resolve().parent))

"""The certbot_renewal module on a certbot directory of the test's own: the renewal point follows
each certificate's lifetime, certbot's own file keeps its other settings, and a second run changes
nothing."""
import datetime
import json

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.ucproxy.nginx.plugins.modules import certbot_renewal
from loopback_proxy import certificate_file

# What certbot 2.1 and 4.0 write: their 30-day default as a comment, then the lineage's settings.
RENEWAL_CONF = """# renew_before_expiry = 30 days
version = 4.0.0
archive_dir = /etc/letsencrypt/archive/{lineage}
cert = /etc/letsencrypt/live/{lineage}/cert.pem

# Options used in the renewal process
[renewalparams]
authenticator = webroot
server = https://acme.example.com/dir
"""


def lineage(root, name, lifetime, with_certificate=True):
    """A lineage of certbot's layout under root, its certificate issued now and living `lifetime`."""
    (root / "renewal").mkdir(exist_ok=True)
    (root / "renewal" / f"{name}.conf").write_text(RENEWAL_CONF.format(lineage=name))
    if with_certificate:
        (root / "live" / name).mkdir(parents=True)
        certificate_file(root / "live" / name / "cert.pem", days=lifetime.days, lifetime=lifetime)
    return root / "renewal" / f"{name}.conf"


def run(capsys, root, *lineages, **args):
    with patch_module_args(dict(args, lineages=list(lineages), config_dir=str(root))):
        with pytest.raises(SystemExit) as exit_info:
            certbot_renewal.main()
    assert exit_info.value.code == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("days,renew_before", [(90, 30 * 86400), (47, 47 * 86400 // 3), (6, 3 * 86400)])
def test_certbot_renews_with_a_third_of_the_lifetime_left_and_half_under_ten_days(
        capsys, tmp_path, days, renew_before):
    conf = lineage(tmp_path, "site", datetime.timedelta(days=days))
    result = run(capsys, tmp_path, "site")
    assert result["changed"] and result["lineages"] == [
        {"lineage": "site", "lifetime": days * 86400, "renew_before_expiry": f"{renew_before} seconds"}]
    # In place of certbot's comment (top level, before the sections); the rest as certbot wrote it.
    assert conf.read_text() == RENEWAL_CONF.format(lineage="site").replace(
        "# renew_before_expiry = 30 days", f"renew_before_expiry = {renew_before} seconds")
    assert not run(capsys, tmp_path, "site")["changed"]


def test_days_set_by_the_admin_win_and_a_lineage_without_a_certificate_is_left_alone(capsys, tmp_path):
    conf = lineage(tmp_path, "site", datetime.timedelta(days=90))
    pending = lineage(tmp_path, "pending", datetime.timedelta(days=90), with_certificate=False)
    result = run(capsys, tmp_path, "site", "pending", renew_before_days=10)
    assert [entry["renew_before_expiry"] for entry in result["lineages"]] == ["864000 seconds", ""]
    assert conf.read_text().startswith("renew_before_expiry = 864000 seconds\nversion = 4.0.0\n")
    assert pending.read_text() == RENEWAL_CONF.format(lineage="pending")


def test_a_file_without_certbots_comment_gets_the_setting_first(capsys, tmp_path):
    conf = lineage(tmp_path, "site", datetime.timedelta(days=90))
    conf.write_text(conf.read_text().replace("# renew_before_expiry = 30 days\n", ""))
    run(capsys, tmp_path, "site")
    assert conf.read_text().startswith("renew_before_expiry = 2592000 seconds\nversion = 4.0.0\n")


def test_check_mode_reports_the_change_and_writes_nothing(capsys, tmp_path):
    conf = lineage(tmp_path, "site", datetime.timedelta(days=6))
    assert run(capsys, tmp_path, "site", _ansible_check_mode=True)["changed"]
    assert conf.read_text() == RENEWAL_CONF.format(lineage="site")

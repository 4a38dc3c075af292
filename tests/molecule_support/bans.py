"""What fail2ban on a proxy has banned."""
from molecule_support.host_paths import FAIL2BAN_JAIL_NAME


def banned(proxy) -> str:
    """fail2ban's status of the role's jail, with the banned addresses and networks."""
    return proxy.run(f"fail2ban-client status {FAIL2BAN_JAIL_NAME}").stdout

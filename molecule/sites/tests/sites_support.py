"""What the sites scenario's tests share: the sites of the inventory and a client per name."""
import json

from molecule_support.clients import Client, copy_to
from molecule_support.host_paths import SitePaths
from molecule_support.scenario import pki_root, proxy_vars


def inventory_sites(host) -> list:
    """reverse_proxy_sites as the inventory gives it (templates unrendered, as extra vars take them)."""
    return proxy_vars(host)["reverse_proxy_sites"]


def clients(client_host, host) -> dict:
    """A client for every server name of every site of the proxy: {name: (site, Client)}. It trusts
    the test CA (files and existing mode) and the proxy's self-signed certificates."""
    proxy = host.backend.name
    cafile = f"/tmp/ca-sites-{proxy}.pem"
    trusted = pki_root().read_bytes()
    for site in inventory_sites(host):
        certificate = host.file(SitePaths(site["name"]).certificate)
        if site.get("certificate_mode") == "selfsigned" and certificate.exists:  # (a removed site's is gone)
            trusted += certificate.content
    copy_to(client_host, trusted, cafile)
    return {name: (site, Client(client_host, proxy, cafile, name))
            for site in inventory_sites(host) for name in site["server_names"]}


def answering_ucserver(client: Client) -> str:
    """Which stand-in answers https://<the client's name>/ through the proxy."""
    response = client.request(f"https://{client.server_name}/standin/whoami")
    assert response.status == 200, response
    return json.loads(response.body)["name"]

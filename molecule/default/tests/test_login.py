"""A ProCall client's login through the proxy, against a stand-in that logs in like the UCServer:
the challenge with both methods, the NTLM-style rounds tied by x-epid, the session and its
WebSocket, the UCServer's own headers and errors passing unchanged, and no login's upstream
connection handed to another client."""
from molecule_support.scenario import SERVER_NAME, proxy_backends

testinfra_hosts = proxy_backends()


def test_a_whole_login_challenge_answer_session_and_websocket(client):
    summary = client.login("--websocket")[-1]
    # Both WWW-Authenticate headers of the first answer reach the client, in order.
    assert summary["first"] == {"status": 401, "www_authenticate": ['Basic realm="UCServer"', "NTLM"]}, summary
    assert summary["challenge"]["status"] == 401 and summary["challenge"]["x_epid"], summary
    assert summary["challenge"]["www_authenticate"][0].startswith("NTLM "), summary
    assert summary["final"]["status"] == 200 and summary["websocket_echoed"] == 1, summary


def test_a_login_never_shares_its_upstream_connection_with_the_next_client(client):
    """The stand-in, like HTTP.sys, takes every later request on a connection that completed an
    NTLM login as that user. Had nginx kept that connection for the next request (upstream
    keep-alive), the next client's first request would get a session instead of the challenge."""
    summaries = client.login("--logins", "20", "--then-anonymous")
    assert [(summary["final"]["status"], summary["anonymous_after"]) for summary in summaries] == [(200, 401)] * 20


def test_basic_login_succeeds_and_a_wrong_password_gets_the_offers_again(client):
    assert client.login("--method", "basic")[-1]["final"]["status"] == 200
    wrong = client.login("--method", "basic", "--password", "wrong-password")[-1]
    assert wrong["final"] == {"status": 401, "www_authenticate": ['Basic realm="UCServer"', "NTLM"]}, wrong


def test_login_headers_reach_the_ucserver_unchanged(client):
    sent = {"Authorization": "NTLM TlRMTVNTUAABAAAAB4IIog==", "x-epid": "4f2a", "x-uctoken": "t0k3n",
            "X-ucsid": "ucs-1", "X-no401": "1"}
    arguments = [argument for name, value in sent.items() for argument in ("-H", f"{name}: {value}")]
    received = client.request(f"https://{SERVER_NAME}/ws/client/echo", *arguments).json()["headers"]
    # Header names are case-insensitive (and lower case on HTTP/2, which curl speaks to the proxy).
    received = {name.lower(): value for name, value in received.items()}
    assert {name: received.get(name.lower()) for name in sent} == sent


def test_direct_calls_with_credentials_a_token_or_a_token_header(client):
    base = f"https://{SERVER_NAME}/ws/direct/getversion"
    assert client.request(f"{base}?user=alice&pass=S3cret-Passw0rd").status == 200
    assert client.request(f"{base}?user=alice&pass=wrong").status == 401
    token = client.request(f"https://{SERVER_NAME}/standin/token?user=alice&pass=S3cret-Passw0rd").json()["token"]
    assert client.request(f"{base}?token={token}").status == 200
    assert client.request(base, "-H", f"x-uctoken: {token}").status == 200
    assert client.request(f"{base}?token=guessed").status == 401


def test_the_ucservers_own_json_502_passes_unchanged(client):
    response = client.request(f"https://{SERVER_NAME}/ws/client/unknownucsid")
    assert response.status == 502
    assert response.json() == {"error": "UCServer is not connected here"}

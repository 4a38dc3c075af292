"""A small TLS server on loopback that answers as nginx would, for the tests of the health gate
and the monitoring check: what they send (SNI, Host, the WebSocket handshake) and how they judge
the answers."""
import base64
import datetime
import hashlib
import socket
import ssl
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# Of the test certificates: a little longer than a 90-day one, so that one with 90 days left is valid.
LIFETIME = datetime.timedelta(days=91)


class Proxy:
    """Answers each request with `answer(request_head) -> bytes`; records what it received."""

    def __init__(self, tmp_path, answer, days=90, lifetime=LIFETIME):
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "proxy")])
        not_after = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
        certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                       .serial_number(1).not_valid_before(not_after - lifetime).not_valid_after(not_after)
                       .sign(key, hashes.SHA256()))
        self.not_after = not_after
        (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                             serialization.PrivateFormat.PKCS8,
                                                             serialization.NoEncryption()))
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
        self.context.sni_callback = lambda sock, name, _ctx: self.server_names.append(name)
        self.answer = answer
        self.requests, self.server_names = [], []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                raw, _address = self.listener.accept()
            except OSError:
                return
            try:
                self._answer(raw)
            except OSError:  # a client that only shook hands, or one nginx would refuse too
                raw.close()

    def _answer(self, raw):
        with self.context.wrap_socket(raw, server_side=True) as tls:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                data += chunk
            if data:
                head = data.decode("iso-8859-1")
                self.requests.append(head)
                tls.sendall(self.answer(head))

    def close(self):
        self.listener.close()


def header(head, name):
    for line in head.split("\r\n")[1:]:
        key, _sep, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return None


def nginx(plain_status=200, accept="right"):
    def answer(head):
        if header(head, "Upgrade") is None:
            return f"HTTP/1.1 {plain_status} Whatever\r\nContent-Length: 0\r\n\r\n".encode()
        key = header(head, "Sec-WebSocket-Key")
        value = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        if accept == "wrong":
            value = base64.b64encode(b"0" * 20).decode()
        return (f"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {value}\r\n\r\n").encode()
    return answer


def certificate_file(path, days, ocsp_url=None, lifetime=LIFETIME):
    """A self-signed certificate that expires in `days` days (a few seconds less), issued `lifetime`
    before, as a PEM file; with `ocsp_url`, it names that OCSP responder."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "uc.example.com")])
    not_after = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_after - lifetime).not_valid_after(not_after))
    if ocsp_url:
        builder = builder.add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
            AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url))]), critical=False)
    certificate = builder.sign(key, hashes.SHA256())
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(path)

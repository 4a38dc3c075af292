"""Certificates and keys the tests make themselves (the scenarios' test CA is
tests/playbooks/test_pki.yml; its files: scenario.pki_file)."""
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from cryptography.x509.oid import NameOID


def self_signed_certificate(key, names: list, days: int, lifetime_days: int = 91) -> bytes:
    """PEM of a certificate for `names` valid until `days` from now (negative: already expired),
    issued `lifetime_days` before that (a 90-day certificate is not alarming until its last weeks)."""
    not_after = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(not_after - datetime.timedelta(days=lifetime_days))
                   .not_valid_after(not_after)
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
                   .sign(key, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM)


def private_key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def private_key(pem: bytes):
    """A key from its PEM (e.g. the proxy's own, read from the host)."""
    return load_pem_private_key(pem, password=None)


def days_left(pem: str) -> float:
    """Days until a PEM certificate expires."""
    not_after = x509.load_pem_x509_certificate(pem.encode()).not_valid_after_utc
    return (not_after - datetime.datetime.now(datetime.timezone.utc)).total_seconds() / 86400

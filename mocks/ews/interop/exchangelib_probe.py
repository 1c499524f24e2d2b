"""What exchangelib (Debian python3-exchangelib) sees of a mailbox on the ucssim EWS mock.

usage: python3 exchangelib_probe.py EWS_URL USER [CA_FILE]
Basic auth to the user's own mailbox, no autodiscover. Prints one JSON object: the root folder, the
folder tree walk() finds, the Lync Contacts folder and its contacts. Any exception fails the run
(exit 1) with its type and message on stderr.
"""
import json
import sys

from exchangelib import BASIC, DELEGATE, Account, Configuration, Credentials, Version
from exchangelib.folders import FolderCollection, QuickContacts
from exchangelib.folders.queryset import DEEP
from exchangelib.protocol import BaseProtocol
from exchangelib.version import EXCHANGE_2013

url, user = sys.argv[1], sys.argv[2]
if len(sys.argv) > 3:
    # trust the world's CA (serve --tls-dir) and nothing else
    import requests.adapters

    class CAAdapter(requests.adapters.HTTPAdapter):
        def cert_verify(self, conn, url, verify, cert):
            super().cert_verify(conn, url, sys.argv[3], cert)

    BaseProtocol.HTTP_ADAPTER_CLS = CAAdapter

cfg = Configuration(service_endpoint=url, credentials=Credentials(user, "secret"), auth_type=BASIC,
                    version=Version(build=EXCHANGE_2013))
account = Account(primary_smtp_address=user, config=cfg, autodiscover=False, access_type=DELEGATE)
root = account.root
out = {
    "root": {"name": root.name, "class": type(root).__name__},
    "walk": sorted(f.name for f in root.walk()),
    "children": sorted(f.name for f in root.children),
    # a plain deep FindFolder from root: what ordinary listings show
    "find_deep": sorted(f.name for f in FolderCollection(account=account, folders=[root]).find_folders(
        depth=DEEP, shape="Default")),
}
qc = QuickContacts.get_distinguished(root=root)
out["lync"] = {"name": qc.name, "total": qc.total_count, "parent": qc.parent.name if qc.parent else None}
out["contacts"] = sorted([
    {"name": c.display_name,
     "emails": [e.email for e in (c.email_addresses or [])],
     "im": [i.im_address for i in (c.im_addresses or [])]}
    for c in qc.all()
], key=lambda c: c["name"])
print(json.dumps(out))

"""The db service through Python's xmlrpc.client, as an Odoo operator's script calls it.

Usage: python3 db_service.py <url> <master_password> <name_prefix>
Prints 'ok' when every step behaved; otherwise an AssertionError says which did not.
"""
import base64
import io
import json
import sys
import xmlrpc.client
import zipfile

url, master, prefix = sys.argv[1:4]
common = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/common')
db = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/db')


def fault(call, *args):
    try:
        call(*args)
    except xmlrpc.client.Fault as f:
        return f
    raise AssertionError('expected a fault from %r' % (args,))


version = common.version()
assert version == {'server_version': '8.0', 'server_version_info': [8, 0, 0, 'final', 0],
                   'server_serie': '8.0', 'protocol_version': 1}, version
assert db.server_version() == '8.0'
assert ['en_US', 'English (US)'] in db.list_lang()

a, b, c, d = (prefix + s for s in ('-a', '-b', '-c', '-d'))
assert a not in db.list()
assert db.db_exist(a) is False
assert db.create_database(master, a, False, 'en_US', 'admin') is True
assert a in db.list() and db.db_exist(a) is True, db.list()

f = fault(db.create_database, master, a, False, 'en_US', 'admin')
assert "database '%s' already exists!" % a in f.faultString, f.faultString

assert db.duplicate_database(master, a, b) is True
assert a in db.list() and b in db.list()
assert db.drop(master, a) is True
assert a not in db.list() and b in db.list()
assert db.drop(master, a) is False

for method, args in [('create_database', (c, False, 'en_US')), ('duplicate_database', (b, c)), ('drop', (b,)),
                     ('rename', (b, c)), ('dump', (b, 'zip')), ('restore', (c, '')),
                     ('change_admin_password', ('stolen',))]:
    f = fault(getattr(db, method), 'wrong-' + master, *args)
    assert f.faultCode == 3 and 'access denied' in f.faultString.lower(), (method, f.faultCode, f.faultString)
assert b in db.list() and c not in db.list()

f = fault(db.create_database, master, 'Bad Name!', False, 'en_US')
assert f.faultCode == 2 and 'invalid database name' in f.faultString.lower(), f.faultString

dump = db.dump(master, b, 'zip')
with zipfile.ZipFile(io.BytesIO(base64.b64decode(dump))) as archive:
    manifest = json.loads(archive.read('manifest.json'))
    assert manifest['database'] == b and manifest['format'] == 'saasportal-backup', manifest
assert db.restore(master, c, dump) is True
assert db.rename(master, c, d) is True
assert c not in db.list() and d in db.list()
assert db.drop(master, b) is True and db.drop(master, d) is True
assert b not in db.list() and d not in db.list()
print('ok')

"""common and object through Python's xmlrpc.client, as the specification's scripts call them.

Usage: python3 object_service.py <url> <master_password> <name_prefix>
Prints 'ok' when every step behaved; otherwise an AssertionError says which did not.
"""
import sys
import xmlrpc.client

url, master, prefix = sys.argv[1:4]
common = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/common')
models = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/object')
db = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/db')


def fault(call, *args):
    try:
        call(*args)
    except xmlrpc.client.Fault as f:
        return f
    raise AssertionError('expected a fault from %r' % (args,))


a, b = prefix + '-obj-a', prefix + '-obj-b'
assert db.create_database(master, a, False, 'en_US', 'password-a') is True
assert db.create_database(master, b, False, 'en_US', 'password-b', 'root') is True

uid = common.authenticate(a, 'admin', 'password-a', {})
assert uid == 1, uid
assert common.login(a, 'admin', 'password-a') == 1
assert common.authenticate(a, 'admin', 'wrong', {}) is False
assert common.login(b, 'admin', 'password-b') is False, 'the login of database b is root'
assert common.login(b, 'root', 'password-b') == 1

partner = models.execute_kw(a, uid, 'password-a', 'res.partner', 'create', [{'name': 'Agrolait'}])
assert isinstance(partner, int), partner
rows = models.execute_kw(a, uid, 'password-a', 'res.partner', 'search_read', [[['id', '=', partner]]],
                         {'fields': ['name', 'email', 'parent_id']})
assert rows == [{'id': partner, 'name': 'Agrolait', 'email': False, 'parent_id': False}], rows
assert models.execute(a, uid, 'password-a', 'res.partner', 'search', [['name', '=', 'Agrolait']]) == [partner]

# Credentials are checked against the database named: a's password means nothing in b.
f = fault(models.execute_kw, b, 1, 'password-a', 'res.partner', 'search', [[]])
assert f.faultCode == 3 and f.faultString == 'Access Denied', (f.faultCode, f.faultString)
f = fault(models.execute_kw, a, uid, 'wrong', 'res.partner', 'search', [[]])
assert f.faultCode == 3, f.faultCode
f = fault(models.execute_kw, a, False, 'password-a', 'res.partner', 'search', [[]])
assert f.faultCode == 3, f.faultCode

f = fault(models.execute_kw, a, uid, 'password-a', 'no.such.model', 'search', [[]])
assert f.faultCode == 2 and "doesn't exist" in f.faultString, (f.faultCode, f.faultString)
f = fault(models.execute_kw, a, uid, 'password-a', 'res.partner', 'frobnicate', [[]])
assert f.faultCode == 1 and 'frobnicate' in f.faultString, (f.faultCode, f.faultString)
f = fault(models.execute_kw, a, uid, 'password-a', 'res.partner', '_private', [[]])
assert f.faultCode == 4 and 'Private methods' in f.faultString, (f.faultCode, f.faultString)
f = fault(models.execute_kw, a, uid, 'password-a', 'res.partner', 'search', [[['no_such_field', '=', 1]]])
assert 'no_such_field' in f.faultString, f.faultString

assert db.drop(master, a) is True and db.drop(master, b) is True
print('ok')

"""Helpers shared by the SaaS scenarios (prepended to each scenario script by Scenario.cs).

argv: <server_url> <portal_db> <name_stem> <scenario>. Every database and login a scenario makes starts with
name_stem, so scenarios sharing a server never collide.
"""
import http.cookiejar
import itertools
import json
import sys
import threading
import urllib.request
import xmlrpc.client as xmlrpclib

URL, PORTAL, STEM, SCENARIO = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
ADMIN_PASSWORD = 'admin'
PLAN_ID = 1
_counter = itertools.count(1)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_fault(fn, *needles):
    """Runs fn, which must raise an RPC fault whose text contains every needle (case-insensitive)."""
    try:
        fn()
    except (xmlrpclib.Fault, WebError) as fault:
        text = fault.faultString
        for needle in needles:
            check(needle.lower() in text.lower(), 'fault %r does not mention %r' % (text, needle))
        return text
    raise AssertionError('expected a fault mentioning %r' % (needles,))


def common():
    return xmlrpclib.ServerProxy(URL + '/xmlrpc/2/common', allow_none=True)


def objects():
    return xmlrpclib.ServerProxy(URL + '/xmlrpc/2/object', allow_none=True)


def new_name(hint):
    return '%s-%s%d' % (STEM, hint, next(_counter))


def call(db, uid, password, model, method, args, kwargs=None):
    return objects().execute_kw(db, uid, password, model, method, args, kwargs or {})


def portal(model, method, *args, **kwargs):
    """A call on the portal as its administrator (the superuser)."""
    return call(PORTAL, 1, ADMIN_PASSWORD, model, method, list(args), kwargs)


class Customer:
    """A customer signed up on the portal (a portal user), calling with their own password."""

    def __init__(self, hint='customer'):
        self.login = '%s@example.com' % new_name(hint)
        self.password = 'portal-pw-%s' % self.login
        portal('res.users', 'signup', {'login': self.login, 'name': 'Customer ' + self.login, 'password': self.password})
        self.uid = common().authenticate(PORTAL, self.login, self.password, {})
        check(self.uid, 'the signed-up customer cannot authenticate on the portal')
        self.partner_id = portal('res.users', 'read', [self.uid], fields=['partner_id'])[0]['partner_id'][0]

    def call(self, model, method, *args, **kwargs):
        return call(PORTAL, self.uid, self.password, model, method, list(args), kwargs)


class Tenant:
    """A client database created by the portal's administrator for a fresh customer."""

    def __init__(self, hint='db', customer=None, plan=PLAN_ID, **extra):
        self.customer = customer or Customer(hint + '-owner')
        self.name = new_name(hint)
        self.owner_password = 'owner-pw-%s' % self.name
        self.result = portal('saas_portal.plan', 'create_new_database', [plan], dbname=self.name,
                             user_id=self.customer.uid, owner_password=self.owner_password, **extra)
        self.record_id = self.result['id']
        self.owner_uid = common().authenticate(self.name, self.customer.login, self.owner_password, {})
        check(self.owner_uid, 'the owner cannot log into %s' % self.name)

    def admin(self, model, method, *args, **kwargs):
        return call(self.name, 1, ADMIN_PASSWORD, model, method, list(args), kwargs)

    def owner(self, model, method, *args, **kwargs):
        return call(self.name, self.owner_uid, self.owner_password, model, method, list(args), kwargs)

    def web_owner(self):
        session = WebSession()
        session.authenticate(self.name, self.customer.login, self.owner_password)
        return session

    def upgrade(self, **params):
        """do_upgrade_database with hidden parameters saas_client.<key> = value."""
        data = {'params': [{'key': 'saas_client.' + k, 'value': v, 'hidden': True} for k, v in params.items()]}
        return portal('saas.config', 'do_upgrade_database', data, self.record_id)

    def record(self, *fields):
        return portal('saas_portal.client', 'read', [self.record_id], fields=list(fields))[0]

    def group(self, xmlid):
        return self.admin('ir.model.data', 'xmlid_to_res_id', xmlid)

    def new_user(self, hint, internal=True, as_owner=False):
        group = self.group('base.group_user' if internal else 'base.group_portal')
        values = {'login': new_name(hint) + '@example.com', 'name': hint, 'password': 'user-pw-long-enough',
                  'groups_id': [(6, 0, [group])]}
        return (self.owner if as_owner else self.admin)('res.users', 'create', values)


def incompressible_megabyte():
    """About 1 MB of text PostgreSQL's TOAST compression cannot shrink."""
    import base64
    import os
    return base64.b64encode(os.urandom(786432)).decode()


def databases():
    return xmlrpclib.ServerProxy(URL + '/xmlrpc/2/db', allow_none=True).list()


def clients_named(name):
    return portal('saas_portal.client', 'search', [['name', '=', name]], context={'active_test': False})


class WebError(Exception):
    def __init__(self, error):
        data = error.get('data') or {}
        self.faultString = '%s: %s' % (data.get('name', ''), data.get('message', error.get('message', '')))
        super().__init__(self.faultString)


class WebSession:
    """Odoo's web client: /web/session/authenticate, then /web/dataset/call_kw with the session cookie."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def post(self, path, params):
        body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'id': 1, 'params': params}).encode()
        request = urllib.request.Request(URL + path, body, {'Content-Type': 'application/json'})
        with self.opener.open(request, timeout=120) as response:
            reply = json.loads(response.read())
        if 'error' in reply:
            raise WebError(reply['error'])
        return reply['result']

    def authenticate(self, db, login, password):
        info = self.post('/web/session/authenticate', {'db': db, 'login': login, 'password': password})
        check(info.get('uid'), 'web authentication failed: %r' % info)
        return info

    def call_kw(self, model, method, args, kwargs=None):
        return self.post('/web/dataset/call_kw/%s/%s' % (model, method),
                         {'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {}})


def in_threads(functions):
    """Runs the functions at once, each on its own thread; returns their outcomes (result or exception) in order."""
    outcomes = [None] * len(functions)
    barrier = threading.Barrier(len(functions))

    def run(i, fn):
        barrier.wait()
        try:
            outcomes[i] = fn()
        except Exception as error:  # noqa: BLE001 - the caller inspects every outcome
            outcomes[i] = error

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def main(scenarios):
    scenarios[SCENARIO]()
    print('ok ' + SCENARIO)

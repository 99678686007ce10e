# Custom domains (issue 11, item 2): a client adds its own host name, proves it by the HTTP token, and the verified
# name then reaches the tenant by RPC (db=<host>) and by its pages (Host: <host>); an unverified or removed one does not.
# The portal's HTTP check connects to this server (saas_portal.domain_verification_address) instead of DNS, which
# knows nothing of the *.example.test names used here.
import html
import re
import urllib.error
import urllib.parse

DOMAIN_MODEL = 'saas_portal.client.domain'


def use_loopback_for_checks():
    address = urllib.parse.urlsplit(URL).netloc
    portal('ir.config_parameter', 'set_param', 'saas_portal.domain_verification_address', address)


def host_for(hint):
    return '%s.%s.example.test' % (hint, STEM)


class Browser:
    """Plain HTTP to the server with a chosen Host header, keeping cookies (the pages' session and CSRF pair)."""

    def __init__(self, host):
        self.host = host
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect())

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(URL + path, body, {'Host': self.host})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode('utf-8', 'replace'), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode('utf-8', 'replace'), dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def tls_ask(name):
    """The status of the on-demand TLS proxy's question: may it get a certificate for name?"""
    return Browser('127.0.0.1').request('/saasportal/tls-ask?domain=' + urllib.parse.quote(name))[0]


def rpc_reaches(db, tenant):
    """Whether db (a host name) logs the tenant's owner in over XML-RPC and reads its data; False on 'does not exist'."""
    try:
        uid = common().authenticate(db, tenant.customer.login, tenant.owner_password, {})
    except xmlrpclib.Fault as fault:
        check('does not exist' in fault.faultString, 'unexpected fault for %s: %s' % (db, fault.faultString))
        return False
    check(uid == tenant.owner_uid, 'authenticate on %s gave uid %r, not the owner %r' % (db, uid, tenant.owner_uid))
    check(call(db, uid, tenant.owner_password, 'res.partner', 'search_count', [[['name', '=', tenant.marker]]]) == 1,
          '%s does not read the tenant\'s data' % db)
    return True


def serves_tenant_pages(host, tenant):
    """Logs into the tenant's own form on Host: host and sees its home page; False when the host shows no tenant page."""
    browser = Browser(host)
    status, page, _ = browser.request('/web/login')
    if 'Log in via SaaS Portal' not in page:
        return False
    check(status == 200 and ('Log in to ' + tenant.name) in html.unescape(page), 'login page on %s: %s %s' % (host, status, page[:300]))
    token = re.search(r'name="__RequestVerificationToken" value="([^"]+)"', page) or re.search(r'type="hidden" name="[^"]+" value="([^"]+)"', page)
    field = re.search(r'type="hidden" name="([^"]+)"', page).group(1)
    status, _, headers = browser.request('/web/login', {field: html.unescape(token.group(1)), 'login': tenant.customer.login,
                                                        'password': tenant.owner_password})
    check(status in (302, 303) and headers.get('Location') == '/web', 'tenant login on %s: %s %r' % (host, status, headers))
    status, page, _ = browser.request('/web')
    check(status == 200 and 'Usage' in page and tenant.name in html.unescape(page), 'tenant home on %s: %s %s' % (host, status, page[:300]))
    return True


def new_tenant(hint):
    tenant = Tenant(hint)
    # Named once: the marker stays what it was when the tenant is renamed.
    tenant.marker = 'lives in ' + tenant.name
    tenant.owner('res.partner', 'create', {'name': tenant.marker})
    return tenant


def routing():
    use_loopback_for_checks()
    tenant = new_tenant('dom')
    host = host_for('erp')
    added = tenant.customer.call('saas_portal.client', 'add_domain', [tenant.record_id], host.upper())
    check(added['name'] == host and added['state'] == 'pending', 'add_domain returned %r' % added)
    check(added['http_url'] == 'http://%s/.well-known/saasportal-verification/%s' % (host, added['verification_token']), 'http_url %r' % added)

    # Pending: nothing routes, and the pages say so instead of showing the portal's.
    check(not rpc_reaches(host, tenant), 'an unverified domain reached the tenant over RPC')
    status, page, _ = Browser(host).request('/web/login')
    check(status == 404 and 'not verified' in page, 'unverified domain page: %s %s' % (status, page[:200]))
    expect_fault(lambda: WebSession().authenticate(host, tenant.customer.login, tenant.owner_password), 'does not exist')

    # The proof is served on the domain's own host only, and only the claim's own token.
    status, body, _ = Browser(host).request('/.well-known/saasportal-verification/' + added['verification_token'])
    check(status == 200 and body == added['verification_token'], 'proof on its host: %s %r' % (status, body))
    check(Browser(host_for('other')).request('/.well-known/saasportal-verification/' + added['verification_token'])[0] == 404,
          'the proof is served on another host')
    check(Browser(host).request('/.well-known/saasportal-verification/' + '0' * 32)[0] == 404, 'a made-up token is served')

    check(tls_ask(host) == 404, 'the TLS ask endpoint allows a pending domain')
    verified = tenant.customer.call(DOMAIN_MODEL, 'verify', [added['id']])
    check(verified[0]['state'] == 'verified' and verified[0]['verified_by'] == 'http' and verified[0]['verified_date'], 'verify %r' % verified)

    check(rpc_reaches(host, tenant), 'a verified domain does not reach the tenant over XML-RPC')
    session = WebSession()
    session.authenticate(host, tenant.customer.login, tenant.owner_password)
    check(session.call_kw('res.partner', 'search_count', [[['name', '=', tenant.marker]]]) == 1, 'web session on the domain')
    check(serves_tenant_pages(host, tenant), 'a verified domain does not serve the tenant\'s pages')
    check(tls_ask(host) == 200 and tls_ask(tenant.name) == 404, 'the TLS ask endpoint: %s for the domain, %s for the tenant name'
          % (tls_ask(host), tls_ask(tenant.name)))
    # No database may take the name: it would answer to the domain's tenant, not to itself.
    expect_fault(lambda: portal('saas_portal.client', 'duplicate_database', [tenant.record_id], host), 'custom domain')

    # Renaming the tenant keeps the domain working, now pointing at the new name.
    renamed = new_name('dom-renamed')
    portal('saas_portal.client', 'rename_database', [tenant.record_id], renamed)
    tenant.name = renamed
    check(rpc_reaches(host, tenant), 'the domain stopped working after the rename')
    check(serves_tenant_pages(host, tenant), 'the domain\'s pages stopped working after the rename')

    # Removed: the name routes nowhere again, at once.
    check(tenant.customer.call(DOMAIN_MODEL, 'remove', [added['id']]) is True, 'remove result')
    check(not rpc_reaches(host, tenant), 'a removed domain still reaches the tenant over RPC')
    check(not serves_tenant_pages(host, tenant), 'a removed domain still serves the tenant\'s pages')
    check(tls_ask(host) == 404, 'the TLS ask endpoint allows a removed domain')


def failed_checks():
    use_loopback_for_checks()
    tenant = new_tenant('domf')
    host = host_for('shop')
    claim = tenant.customer.call('saas_portal.client', 'add_domain', [tenant.record_id], host)
    # Nothing listens on the address the check connects to: the error says what happened and nothing is verified.
    portal('ir.config_parameter', 'set_param', 'saas_portal.domain_verification_address', '127.0.0.1:9')
    expect_fault(lambda: tenant.customer.call(DOMAIN_MODEL, 'verify', [claim['id']]), 'not verified yet', 'could not be fetched')
    use_loopback_for_checks()
    check(not rpc_reaches(host, tenant), 'a failed check made the domain route')

    # Two customers claim one name: whoever proves it first gets it, the other claim disappears.
    rival = new_tenant('domr')
    rival_claim = rival.customer.call('saas_portal.client', 'add_domain', [rival.record_id], host)
    rival.customer.call(DOMAIN_MODEL, 'verify', [rival_claim['id']])
    check(rpc_reaches(host, rival), 'the rival\'s verified domain does not route')
    check(tenant.customer.call(DOMAIN_MODEL, 'search_count', [['id', '=', claim['id']]]) == 0, 'the losing claim stayed')
    expect_fault(lambda: tenant.customer.call('saas_portal.client', 'add_domain', [tenant.record_id], host), 'already in use')


def ownership():
    use_loopback_for_checks()
    tenant, stranger = new_tenant('domo'), Customer('domo-stranger')
    host = host_for('own')
    expect_fault(lambda: stranger.call('saas_portal.client', 'add_domain', [tenant.record_id], host), 'AccessError', 'owner')
    claim = tenant.customer.call('saas_portal.client', 'add_domain', [tenant.record_id], host)
    expect_fault(lambda: stranger.call(DOMAIN_MODEL, 'verify', [claim['id']]), 'AccessError')
    expect_fault(lambda: stranger.call(DOMAIN_MODEL, 'remove', [claim['id']]), 'AccessError')
    check(stranger.call(DOMAIN_MODEL, 'search_count', []) == 0, 'a customer sees another customer\'s domains')
    check(tenant.customer.call(DOMAIN_MODEL, 'search_count', []) == 1, 'the owner does not see their domain')
    # Changes go through the methods, which check names and refresh routing; direct writes are refused.
    expect_fault(lambda: tenant.customer.call(DOMAIN_MODEL, 'write', [claim['id']], {'state': 'verified'}), 'AccessError')
    # A portal manager may act for the customer.
    check(portal(DOMAIN_MODEL, 'verify', [claim['id']])[0]['state'] == 'verified', 'a manager cannot verify a customer\'s domain')
    check(rpc_reaches(host, tenant), 'the domain verified by a manager does not route')


def names():
    use_loopback_for_checks()
    tenant, other = new_tenant('domn'), new_tenant('domn-other')
    # Tenant names are host names too (client-1.example.com): one must never be claimed as a custom domain.
    other_name = new_name('domn-other') + '.example.test'
    portal('saas_portal.client', 'rename_database', [other.record_id], other_name)
    add = lambda name: portal('saas_portal.client', 'add_domain', [tenant.record_id], name)  # noqa: E731
    for bad, needle in [('*.%s.example.test' % STEM, 'wildcard'), ('localhost', 'full name'), ('app.localhost', 'portal'),
                        ('127.0.0.1', 'ip'), ('example', 'full name'), ('under_score.example.test', 'not a valid'),
                        ('a..example.test', 'not a valid'), ('-x.example.test', 'not a valid'), ('x' * 64 + '.example.test', 'not a valid'),
                        ('http://x.example.test/', 'not a valid'), ('x.example.test:8080', 'not a valid'), ('', 'required'),
                        (other_name, 'name of a database'), (other_name.upper(), 'name of a database')]:
        expect_fault(lambda: add(bad), needle)
    # Internationalised names are stored in their IDNA form; a trailing dot and upper case are the same name.
    idna = add('Bücher.%s.Example.Test.' % STEM)
    check(idna['name'] == 'xn--bcher-kva.%s.example.test' % STEM, 'IDNA form %r' % idna['name'])
    expect_fault(lambda: add('xn--bcher-kva.%s.example.test' % STEM), 'already added')
    check(len(portal(DOMAIN_MODEL, 'search', [['client_id', '=', tenant.record_id]])) == 1, 'a refused name was stored')


main({'routing': routing, 'failed_checks': failed_checks, 'ownership': ownership, 'names': names})

# create_new_database (issue 10, item 2): names, refusals that leave nothing behind, what the tenant becomes.
import re


def template_of_default_plan():
    return portal('saas_portal.plan', 'read', [PLAN_ID], fields=['template_id'])[0]['template_id'][0]


def plan(**values):
    values.setdefault('template_id', template_of_default_plan())
    return portal('saas_portal.plan', 'create', dict({'name': new_name('plan'), 'state': 'confirmed'}, **values))


def ours(names):
    """The databases this server could have made. On PostgreSQL db.list shows the whole cluster, which other test
    projects running at the same time share; their databases carry their own run prefix (t/cli/... + 7 hex digits)."""
    import re
    own = PORTAL[:-len('-portal')] + '-'
    foreign = re.compile(r'^[a-z]{1,8}[0-9a-f]{7}-')
    return sorted(n for n in names if n.startswith(own) or not foreign.match(n))


def nothing_left(name, before_databases, before_clients):
    check(name is None or name not in databases(), 'database %s was left behind' % name)
    now = ours(databases())
    check(now == ours(before_databases), 'databases changed: %r' % (set(now) ^ set(ours(before_databases))))
    check(portal('saas_portal.client', 'search_count', []) == before_clients, 'a client record was left behind')


def generated_names():
    pattern = STEM + '-gen-%i.localhost'
    plan_id = plan(dbname_template=pattern)
    customer = Customer('gen')
    made = []
    for _ in range(3):
        made.append(portal('saas_portal.plan', 'create_new_database', [plan_id], dbname='', user_id=customer.uid,
                           owner_password='owner-pw-gen'))
    names = [portal('saas_portal.client', 'read', [r['id']], fields=['name'])[0]['name'] for r in made]
    # Each plan counts from 001 on its own pattern.
    expected = [pattern.replace('%i', '%03d' % n) for n in (1, 2, 3)]
    check(names == expected, 'generated %r, expected %r' % (names, expected))
    for name in names:
        check(name in databases(), '%s was not created' % name)
    # A name taken by hand is skipped, not refused.
    taken = pattern.replace('%i', '004')
    portal('saas_portal.plan', 'create_new_database', [plan_id], dbname=taken, user_id=customer.uid, owner_password='owner-pw-gen')
    fifth = portal('saas_portal.plan', 'create_new_database', [plan_id], user_id=customer.uid, owner_password='owner-pw-gen')
    check(portal('saas_portal.client', 'read', [fifth['id']], fields=['name'])[0]['name'] == pattern.replace('%i', '005'),
          'the generator did not skip the taken name')


def no_pattern_no_name():
    plan_id = plan(dbname_template=False)
    customer = Customer('nopat')
    before_databases, before_clients = databases(), portal('saas_portal.client', 'search_count', [])
    for kwargs in ({}, {'dbname': ''}, {'dbname': False}):
        expect_fault(lambda: portal('saas_portal.plan', 'create_new_database', [plan_id], user_id=customer.uid, **kwargs),
                     'Template for db name is not configured')
    nothing_left(None, before_databases, before_clients)


def taken_or_invalid_names():
    existing = Tenant('taken')
    customer = Customer('second')
    before_databases, before_clients = databases(), portal('saas_portal.client', 'search_count', [])
    expect_fault(lambda: portal('saas_portal.plan', 'create_new_database', [PLAN_ID], dbname=existing.name,
                                user_id=customer.uid), existing.name, 'already exists')
    for bad in ('Upper-Case', 'with space', '../escape', '-leading-dash', 'semi;colon', 'x' * 64, "quote'd"):
        expect_fault(lambda: portal('saas_portal.plan', 'create_new_database', [PLAN_ID], dbname=bad, user_id=customer.uid),
                     'Invalid database name')
    # The portal database and the template are names too.
    template_name = portal('saas_portal.database', 'read', [template_of_default_plan()], fields=['name'])[0]['name']
    for taken in (PORTAL, template_name):
        expect_fault(lambda: portal('saas_portal.plan', 'create_new_database', [PLAN_ID], dbname=taken, user_id=customer.uid),
                     'already exists')
    nothing_left(None, before_databases, before_clients)
    check(existing.owner('res.partner', 'search_count', []) > 0, 'the existing tenant was damaged')


def failure_half_way_leaves_nothing():
    before_databases, before_clients = databases(), portal('saas_portal.client', 'search_count', [])
    # The portal's admin as owner: the template already has a user 'admin', so the owner cannot be created after the copy.
    name = new_name('half')
    expect_fault(lambda: portal('saas_portal.plan', 'create_new_database', [PLAN_ID], dbname=name, user_id=1,
                                owner_password='owner-pw-half'))
    nothing_left(name, before_databases, before_clients)
    # A plan whose template database is missing.
    ghost = portal('saas_portal.database', 'create', {'name': new_name('ghost'), 'state': 'template'})
    plan_id = plan(template_id=ghost)
    name = new_name('ghost-client')
    expect_fault(lambda: portal('saas_portal.plan', 'create_new_database', [plan_id], dbname=name,
                                user_id=Customer('ghost').uid), 'does not exist')
    nothing_left(name, before_databases, before_clients)
    # The name is free again afterwards.
    Tenant('after')


def what_the_tenant_becomes():
    tenant = Tenant('made')
    result = tenant.result
    check(sorted(result) == ['auth_url', 'client_id', 'id', 'state', 'url'], 'result keys %r' % sorted(result))
    check(result['state'] == 'open', 'state %r' % result['state'])
    check(re.match(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', result['client_id']), result['client_id'])
    check(result['url'].startswith('http') and 'access_token=' in result['url'], 'url %r' % result['url'])
    check('client_id=' + result['client_id'] in result['auth_url'], 'auth_url %r' % result['auth_url'])
    record = tenant.record('name', 'client_id', 'partner_id', 'plan_id', 'state')
    check(record['name'] == tenant.name and record['client_id'] == result['client_id'], 'client record %r' % record)
    check(record['partner_id'][0] == tenant.customer.partner_id and record['plan_id'][0] == PLAN_ID, 'record %r' % record)
    check(tenant.admin('ir.config_parameter', 'get_param', 'database.uuid') == result['client_id'],
          'the tenant\'s database.uuid is not the client_id')
    check(common().authenticate(tenant.name, tenant.customer.login, tenant.customer.password, {}) is False,
          'the portal password must not open the tenant')
    check(common().authenticate(tenant.name, tenant.customer.login, 'wrong', {}) is False, 'any password opens the tenant')
    check(tenant.owner('res.users', 'has_group', [tenant.owner_uid], 'base.group_user'), 'the owner is not internal')
    # Two tenants of one template are distinct databases with distinct identities.
    other = Tenant('made')
    check(other.admin('ir.config_parameter', 'get_param', 'database.uuid') != result['client_id'], 'uuid shared')
    tenant.owner('res.partner', 'create', {'name': 'only in the first'})
    check(other.admin('res.partner', 'search_count', [['name', '=', 'only in the first']]) == 0, 'tenants share data')


main({'generated_names': generated_names, 'no_pattern': no_pattern_no_name, 'taken_or_invalid': taken_or_invalid_names,
      'half_way': failure_half_way_leaves_nothing, 'tenant': what_the_tenant_becomes})

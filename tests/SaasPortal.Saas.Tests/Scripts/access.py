# Who may do what on the portal (issue 10, item 3).


def own_plan(max_dbs=0):
    """A plan of this scenario's own on the default plan's template, so its limits touch nobody else."""
    template = portal('saas_portal.plan', 'read', [PLAN_ID], fields=['template_id'])[0]['template_id'][0]
    return portal('saas_portal.plan', 'create', {'name': new_name('plan'), 'template_id': template, 'state': 'confirmed',
                                                 'maximum_allowed_dbs_per_partner': max_dbs})


def customer_creates_for_themself_only():
    alice, bob = Customer('alice'), Customer('bob')
    name = new_name('own')
    result = alice.call('saas_portal.plan', 'create_new_database', [PLAN_ID], dbname=name, owner_password='alice-owner-pw')
    check(common().authenticate(name, alice.login, 'alice-owner-pw', {}), 'alice does not own her database')
    check(portal('saas_portal.client', 'read', [result['id']], fields=['partner_id'])[0]['partner_id'][0] == alice.partner_id,
          'the client record is not alice\'s')
    for kwargs in ({'user_id': bob.uid}, {'partner_id': bob.partner_id}):
        stolen = new_name('theft')
        expect_fault(lambda: alice.call('saas_portal.plan', 'create_new_database', [PLAN_ID], dbname=stolen,
                                        owner_password='x-long-enough', **kwargs), 'AccessError')
        check(stolen not in databases() and not clients_named(stolen), 'a refused creation left something behind')


def plan_limit_per_partner():
    plan = own_plan(max_dbs=2)
    customer = Customer('limit')
    for _ in range(2):
        customer.call('saas_portal.plan', 'create_new_database', [plan], dbname=new_name('lim'), owner_password='owner-pw-1')
    refused = new_name('lim')
    expect_fault(lambda: customer.call('saas_portal.plan', 'create_new_database', [plan], dbname=refused,
                                       owner_password='owner-pw-1'), 'Limit of databases for this plan is 2 reached')
    check(refused not in databases() and not clients_named(refused), 'a refused creation left something behind')
    # Another customer has a limit of their own.
    Customer('other').call('saas_portal.plan', 'create_new_database', [plan], dbname=new_name('lim'), owner_password='owner-pw-2')


def only_managers_upgrade():
    tenant = Tenant('upg')
    customer = tenant.customer
    data = {'params': [{'key': 'saas_client.suspended', 'value': '1', 'hidden': True}]}
    expect_fault(lambda: customer.call('saas.config', 'do_upgrade_database', data, tenant.record_id), 'AccessError')
    expect_fault(lambda: customer.call('saas_portal.client', 'write', [tenant.record_id], {'max_users': 99}), 'AccessError')
    check(tenant.owner('res.partner', 'search_count', []) > 0, 'the refused upgrade suspended the tenant anyway')
    check(tenant.record('suspended')['suspended'] is False, 'the refused upgrade changed the client record')


def customers_see_only_their_own():
    alice, bob = Customer('alice'), Customer('bob')
    mine = Tenant('alice', customer=alice).record_id
    theirs = Tenant('bob', customer=bob).record_id
    check(alice.call('saas_portal.client', 'search', []) == [mine], 'alice sees clients %r' % alice.call('saas_portal.client', 'search', []))
    check(alice.call('saas_portal.client', 'search_count', [['id', '=', theirs]]) == 0, 'alice counts bob\'s client')
    expect_fault(lambda: alice.call('saas_portal.client', 'read', [theirs], fields=['name']), 'AccessError')
    partners = alice.call('res.partner', 'search', [])
    check(bob.partner_id not in partners, 'alice sees bob\'s partner')
    check(alice.partner_id in partners, 'alice does not see her own partner')
    expect_fault(lambda: alice.call('res.partner', 'read', [bob.partner_id], fields=['name', 'email']), 'AccessError')


main({'for_themself': customer_creates_for_themself_only, 'plan_limit': plan_limit_per_partner,
      'upgrade_managers_only': only_managers_upgrade, 'own_records': customers_see_only_their_own})

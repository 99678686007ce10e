# Governance inside a tenant (issue 10, item 4), over XML-RPC and the web client's /web/dataset/call_kw alike.


def both_paths_work(tenant, web):
    check(tenant.owner('res.partner', 'search_count', []) > 0, 'owner cannot read over XML-RPC')
    check(web.call_kw('res.partner', 'search_count', [[]]) > 0, 'owner cannot read over the web route')
    tenant.owner('res.partner', 'create', {'name': 'allowed over xml-rpc'})
    web.call_kw('res.partner', 'create', [{'name': 'allowed over the web'}])


def suspended():
    tenant = Tenant('susp')
    web = tenant.web_owner()  # a session opened before the suspension must be refused too
    both_paths_work(tenant, web)
    tenant.upgrade(suspended='1')
    for fn in (lambda: tenant.owner('res.partner', 'search_count', []),
               lambda: tenant.owner('res.partner', 'create', {'name': 'x'}),
               lambda: web.call_kw('res.partner', 'search_count', [[]]),
               lambda: web.call_kw('res.users', 'read', [[tenant.owner_uid], ['login']])):
        expect_fault(fn, 'suspended')
    check(tenant.admin('res.partner', 'search_count', []) > 0, 'the superuser must keep working while suspended')
    tenant.admin('res.partner', 'create', {'name': 'superuser writes while suspended'})
    tenant.upgrade(suspended='0')
    both_paths_work(tenant, web)


def expired():
    tenant = Tenant('exp')
    web = tenant.web_owner()
    tenant.upgrade(expiration_datetime='2001-01-01 00:00:00')
    expect_fault(lambda: tenant.owner('res.partner', 'search_count', []), 'expired')
    expect_fault(lambda: web.call_kw('res.partner', 'search_count', [[]]), 'expired')
    expect_fault(lambda: tenant.owner('res.partner', 'create', {'name': 'x'}), 'expired')
    check(tenant.admin('res.partner', 'search_count', []) > 0, 'the superuser must keep working after expiry')
    tenant.upgrade(expiration_datetime='2999-01-01 00:00:00')
    both_paths_work(tenant, web)
    check(tenant.record('expiration_datetime')['expiration_datetime'].startswith('2999-01-01'),
          'client record does not show the new expiration')


def max_users():
    tenant = Tenant('users')
    tenant.upgrade(max_users='2')  # the owner is the first internal user
    second = tenant.new_user('second')
    message = 'Maximum allowed users is 2, while you already have 2'
    expect_fault(lambda: tenant.new_user('third'), message)
    # The web route and the owner's own calls are held to the same limit.
    tenant.admin('res.users', 'write', [tenant.owner_uid], {'groups_id': [(4, tenant.group('base.group_erp_manager'))]})
    expect_fault(lambda: tenant.new_user('third-by-owner', as_owner=True), message)
    web = tenant.web_owner()
    group = tenant.group('base.group_user')
    expect_fault(lambda: web.call_kw('res.users', 'create', [{'login': new_name('w') + '@example.com', 'name': 'w',
                                                               'groups_id': [(6, 0, [group])]}]), message)

    # Archiving frees a seat; re-activating the archived user past the limit is refused.
    tenant.admin('res.users', 'write', [second], {'active': False})
    third = tenant.new_user('third')
    expect_fault(lambda: tenant.admin('res.users', 'write', [second], {'active': True}), message)
    check(not tenant.admin('res.users', 'read', [second], fields=['active'])[0]['active'],
          'the refused re-activation must roll back')

    # A portal user does not count, but making them internal does.
    portal_user = tenant.new_user('portal', internal=False)
    expect_fault(lambda: tenant.admin('res.users', 'write', [portal_user], {'groups_id': [(6, 0, [group])]}), message)
    check(tenant.admin('res.users', 'read', [portal_user], fields=['share'])[0]['share'] is True,
          'the refused promotion must roll back')

    # 0 means unlimited.
    tenant.upgrade(max_users='0')
    tenant.admin('res.users', 'write', [second], {'active': True})
    tenant.admin('res.users', 'write', [portal_user], {'groups_id': [(6, 0, [group])]})
    tenant.new_user('fifth')
    check(third and tenant.record('max_users')['max_users'] == 0, 'client record max_users not mirrored')


def storage_limit():
    tenant = Tenant('store')
    kept = tenant.owner('res.partner', 'create', {'name': 'kept'})
    doomed = tenant.owner('res.partner', 'create', {'name': 'to delete'})
    # Make sure the tenant uses at least 2 MB whatever the backend's empty size, then allow 1 MB.
    for n in range(3):
        tenant.admin('res.partner', 'create', {'name': 'ballast %d' % n, 'comment': incompressible_megabyte()})
    tenant.upgrade(total_storage_limit='1')
    fault = expect_fault(lambda: tenant.owner('res.partner', 'create', {'name': 'refused'}), 'storage limit', 'MB')
    check('of the 1 MB allowed' in fault, 'the refusal does not name the allowed MB: %r' % fault)
    expect_fault(lambda: tenant.owner('res.partner', 'write', [kept], {'name': 'renamed'}), 'storage limit')
    web = tenant.web_owner()
    expect_fault(lambda: web.call_kw('res.partner', 'create', [{'name': 'refused on the web'}]), 'storage limit')
    check(tenant.owner('res.partner', 'read', [kept], fields=['name'])[0]['name'] == 'kept', 'reads must keep working')
    check(web.call_kw('res.partner', 'search_count', [[['id', '=', kept]]]) == 1, 'web reads must keep working')
    tenant.owner('res.partner', 'unlink', [doomed])
    check(tenant.owner('res.partner', 'search_count', [['id', '=', doomed]]) == 0, 'unlink must keep working')
    tenant.upgrade(total_storage_limit='0')
    tenant.owner('res.partner', 'write', [kept], {'name': 'renamed'})


main({'suspended': suspended, 'expired': expired, 'max_users': max_users, 'storage_limit': storage_limit})

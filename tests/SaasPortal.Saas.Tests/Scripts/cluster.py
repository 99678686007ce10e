# Several PostgreSQL servers: placement, moves and drains. Extra argv: <connection of cluster B> [<database name taken on B>].
# Prints "where <database> <server name>" for the C# side, which checks each database is on that cluster and only there.
import base64

SECOND = sys.argv[5]
TAKEN_ON_B = sys.argv[6] if len(sys.argv) > 6 else None


def server_named(name, **values):
    found = portal('saas_portal.server', 'search', [['name', '=', name]])
    if found:
        return found[0]
    return portal('saas_portal.server', 'create', dict({'name': name, 'backend': 'postgres'}, **values))


def second_server():
    return server_named('cluster-b', connection=SECOND, sequence=20)


def local_server():
    return portal('ir.model.data', 'xmlid_to_res_id', 'saas_portal.server_local')


def plan_on(server_id):
    """A plan on the default plan's template whose tenants go to server_id (False: the least loaded open server)."""
    return portal('saas_portal.plan', 'create', {
        'name': new_name('plan'), 'template_id': portal('saas_portal.plan', 'read', [PLAN_ID], fields=['template_id'])[0]['template_id'][0],
        'state': 'confirmed', 'server_id': server_id})


def server_of(tenant):
    return tenant.record('server_id')['server_id'][1]


def report(tenant):
    print('where %s %s' % (tenant.name, server_of(tenant)))


def answers(tenant):
    """The owner creates and reads back a partner: the tenant serves calls where it now lives."""
    partner = tenant.owner('res.partner', 'create', {'name': 'Answer ' + tenant.name})
    check(tenant.owner('res.partner', 'read', [partner], fields=['name'])[0]['name'] == 'Answer ' + tenant.name, 'read-back differs')
    return partner


def scenario_refuses_passwords():
    expect_fault(lambda: portal('saas_portal.server', 'create', {'name': new_name('pw'), 'connection': SECOND + ';Password=secret'}),
                 'must not hold the password')
    expect_fault(lambda: portal('saas_portal.server', 'create', {'name': new_name('ref'), 'connection': SECOND, 'password_ref': 'plain-secret'}),
                 'password_ref')
    server = portal('saas_portal.server', 'create', {'name': new_name('ok'), 'connection': SECOND, 'password_ref': 'env:SAASPORTAL_TEST_NOTHING'})
    expect_fault(lambda: portal('saas_portal.server', 'write', [server], {'connection': 'Host=x;Password=p'}), 'must not hold the password')
    portal('saas_portal.server', 'write', [server], {'state': 'closed'})


def scenario_placement():
    b = second_server()
    local = local_server()
    # The default plan names the local server; a plan without one spreads its tenants. Other scenarios left tenants
    # on either server, so as many are made as it takes the least loaded one to catch up, and two more.
    spread = plan_on(False)
    loads = [portal('saas_portal.client', 'search_count', [['server_id', '=', s], ['state', '!=', 'deleted']]) for s in (local, b)]
    tenants = [Tenant('pl', plan=spread) for _ in range(abs(loads[0] - loads[1]) + 2)]
    pinned = Tenant('pin', plan=plan_on(b))
    servers = [server_of(t) for t in tenants]
    check('local' in servers and 'cluster-b' in servers, 'least-loaded placement used one server only: %r' % servers)
    check(server_of(pinned) == 'cluster-b', "the plan's server was not used")
    for tenant in tenants + [pinned]:
        answers(tenant)
        report(tenant)
    check(local != b, 'two servers expected')


def scenario_move():
    b = second_server()
    tenant = Tenant('mv', plan=plan_on(local_server()))
    check(server_of(tenant) == 'local', 'the tenant should start on the local server')
    partner = answers(tenant)
    blob = base64.b64encode(b'attachment payload ' * 1000).decode()
    attachment = tenant.owner('ir.attachment', 'create', {'name': 'a.txt', 'datas': blob, 'res_model': 'res.partner', 'res_id': partner})
    tenant.upgrade()  # keeps the record in sync
    portal('saas.config', 'do_upgrade_database', {'install_addons': ['contacts']}, tenant.record_id)
    result = portal('saas_portal.client', 'move_to_server', [tenant.record_id], b)
    check(result['moved'] and result['to'] == 'cluster-b' and result['from'] == 'local', 'unexpected move result %r' % result)
    check(0 < result['blocked_seconds'] <= result['seconds'], 'blocked time out of range: %r' % result)
    check(server_of(tenant) == 'cluster-b', 'the client record does not name the new server')
    check(tenant.owner('res.partner', 'read', [partner], fields=['name'])[0]['name'] == 'Answer ' + tenant.name, 'record lost in the move')
    check(tenant.owner('ir.attachment', 'read', [attachment], fields=['datas'])[0]['datas'] == blob, 'attachment changed in the move')
    state = tenant.admin('ir.module.module', 'search_read', [['name', '=', 'contacts']], fields=['state'])
    check(state and state[0]['state'] == 'installed', 'module lost in the move: %r' % state)
    answers(tenant)
    again = portal('saas_portal.client', 'move_to_server', [tenant.record_id], b)
    check(not again['moved'], 'a move to the current server must do nothing')
    report(tenant)  # checked by the C# side: on cluster B only, the old copy dropped


def scenario_moving_blocks_everyone():
    tenant = Tenant('blk')
    tenant.upgrade(moving='1')
    expect_fault(lambda: tenant.owner('res.partner', 'search', []), 'being moved')
    expect_fault(lambda: tenant.admin('res.partner', 'search', []), 'being moved')
    tenant.upgrade(moving='0')
    answers(tenant)


def scenario_failed_move():
    # The C# side created a database of this tenant's name on cluster B beforehand, so the copy cannot be made.
    b = second_server()
    customer = Customer('fm-owner')
    tenant_plan = plan_on(local_server())
    result = portal('saas_portal.plan', 'create_new_database', [tenant_plan], dbname=TAKEN_ON_B, user_id=customer.uid,
                    owner_password='owner-pw-fm')
    record = result['id']
    uid = common().authenticate(TAKEN_ON_B, customer.login, 'owner-pw-fm', {})
    partner = call(TAKEN_ON_B, uid, 'owner-pw-fm', 'res.partner', 'create', [{'name': 'kept'}])
    expect_fault(lambda: portal('saas_portal.client', 'move_to_server', [record], b), 'stays on local')
    check(portal('saas_portal.client', 'read', [record], fields=['server_id'])[0]['server_id'][1] == 'local', 'placement changed')
    check(call(TAKEN_ON_B, uid, 'owner-pw-fm', 'res.partner', 'read', [[partner]], {'fields': ['name']})[0]['name'] == 'kept',
          'the tenant does not answer on its old server after a failed move')
    call(TAKEN_ON_B, uid, 'owner-pw-fm', 'res.partner', 'write', [[partner], {'name': 'still writable'}])
    print('kept %s local' % TAKEN_ON_B)


def scenario_drain():
    b = second_server()
    plan = plan_on(b)
    tenants = [Tenant('dr', plan=plan) for _ in range(2)]
    for tenant in tenants:
        answers(tenant)
        check(server_of(tenant) == 'cluster-b', 'drain scenario: tenant not on B')
    moved = portal('saas_portal.server', 'drain', [b])
    check(moved >= 2, 'drain moved %r databases' % moved)
    check(portal('saas_portal.server', 'read', [b], fields=['state'])[0]['state'] == 'draining', 'server not marked draining')
    left = portal('saas_portal.client', 'search_count', [['server_id', '=', b], ['state', '!=', 'deleted']])
    check(left == 0, '%d tenants left on the drained server' % left)
    for tenant in tenants:
        answers(tenant)
        report(tenant)
    expect_fault(lambda: Tenant('dr-new', plan=plan), 'draining')
    fresh = Tenant('dr-after')
    check(server_of(fresh) == 'local', 'a new tenant was placed on the draining server')
    portal('saas_portal.server', 'write', [b], {'state': 'open'})


main({
    'refuses_passwords': scenario_refuses_passwords,
    'placement': scenario_placement,
    'move': scenario_move,
    'moving_blocks_everyone': scenario_moving_blocks_everyone,
    'failed_move': scenario_failed_move,
    'drain': scenario_drain,
})

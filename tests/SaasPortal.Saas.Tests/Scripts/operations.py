# The portal's operations on a client (issue 10, items 5, 6 and 7): sync, expiry, delete, rename, duplicate, backup.
import base64
import datetime
import io
import zipfile


def utc(delta):
    return (datetime.datetime.now(datetime.timezone.utc) + delta).strftime('%Y-%m-%d %H:%M:%S')


def client(record_id, *fields):
    return portal('saas_portal.client', 'read', [record_id], fields=list(fields))[0]


def uuid_of(db):
    return call(db, 1, ADMIN_PASSWORD, 'ir.config_parameter', 'get_param', ['database.uuid'])


def cannot_log_in(db, login, password):
    try:
        return common().authenticate(db, login, password, {}) is False
    except xmlrpclib.Fault as fault:
        return 'does not exist' in fault.faultString


def delete():
    tenant = Tenant('del')
    expect_fault(lambda: tenant.customer.call('saas_portal.client', 'delete_database', [tenant.record_id]), 'AccessError')
    check(tenant.name in databases(), 'a refused delete dropped the database')
    check(portal('saas_portal.client', 'delete_database', [tenant.record_id]) is True, 'delete_database result')
    check(tenant.name not in databases(), 'the database is still there')
    check(client(tenant.record_id, 'state')['state'] == 'deleted', 'the client is not marked deleted')
    check(cannot_log_in(tenant.name, tenant.customer.login, tenant.owner_password), 'the owner still logs into a deleted database')
    # The name is free again for a new client.
    check(clients_named(tenant.name) == [tenant.record_id], 'the record must stay, marked deleted')
    expect_fault(lambda: portal('saas_portal.client', 'backup_database', [tenant.record_id]), 'deleted')


def rename():
    tenant, other = Tenant('ren'), Tenant('ren-other')
    partner = tenant.owner('res.partner', 'create', {'name': 'survives the rename'})
    old, new = tenant.name, new_name('renamed')
    for bad in (other.name, PORTAL, 'Not Valid', ''):
        expect_fault(lambda: portal('saas_portal.client', 'rename_database', [tenant.record_id], bad), bad or 'Invalid')
    expect_fault(lambda: tenant.customer.call('saas_portal.client', 'rename_database', [tenant.record_id], new), 'AccessError')
    check(old in databases() and client(tenant.record_id, 'name')['name'] == old, 'a refused rename changed something')
    portal('saas_portal.client', 'rename_database', [tenant.record_id], new)
    listed = databases()
    check(new in listed and old not in listed, 'databases after the rename: old %s, new %s' % (old in listed, new in listed))
    check(client(tenant.record_id, 'name')['name'] == new, 'the client record keeps the old name')
    owner = common().authenticate(new, tenant.customer.login, tenant.owner_password, {})
    check(owner == tenant.owner_uid, 'the owner cannot log into the renamed database')
    check(call(new, owner, tenant.owner_password, 'res.partner', 'search_count', [[['id', '=', partner]]]) == 1, 'data lost')
    check(uuid_of(new) == tenant.result['client_id'], 'the identity changed with the name')
    check(other.owner('res.partner', 'search_count', []) > 0, 'the other tenant was damaged')
    # The portal still governs it under its new name.
    tenant.name = new
    tenant.upgrade(suspended='1')
    expect_fault(lambda: tenant.owner('res.partner', 'search_count', []), 'suspended')


def duplicate():
    tenant, other = Tenant('dup'), Tenant('dup-other')
    tenant.owner('res.partner', 'create', {'name': 'copied along'})
    target = new_name('copy')
    expect_fault(lambda: portal('saas_portal.client', 'duplicate_database', [tenant.record_id], other.name), 'already exists')
    expect_fault(lambda: tenant.customer.call('saas_portal.client', 'duplicate_database', [tenant.record_id], target), 'AccessError')
    check(target not in databases(), 'a refused duplicate left a database')
    copy = portal('saas_portal.client', 'duplicate_database', [tenant.record_id], target)
    check(copy['id'] != tenant.record_id and copy['client_id'] != tenant.result['client_id'], 'the copy is not a new client: %r' % copy)
    record = client(copy['id'], 'name', 'client_id', 'partner_id', 'plan_id', 'state')
    check(record['name'] == target and record['client_id'] == copy['client_id'], 'copy record %r' % record)
    check(record['partner_id'][0] == tenant.customer.partner_id and record['state'] == 'open', 'copy record %r' % record)
    check(uuid_of(target) == copy['client_id'], 'the copy\'s database.uuid is not its client_id')
    check(uuid_of(tenant.name) == tenant.result['client_id'], 'the original\'s identity changed')
    check(call(target, 1, ADMIN_PASSWORD, 'res.partner', 'search_count', [[['name', '=', 'copied along']]]) == 1, 'data not copied')
    call(target, 1, ADMIN_PASSWORD, 'res.partner', 'create', [{'name': 'only in the copy'}])
    check(tenant.admin('res.partner', 'search_count', [['name', '=', 'only in the copy']]) == 0, 'copy and original share data')


def backup():
    tenant = Tenant('bak')
    tenant.owner('res.partner', 'create', {'name': 'in the backup'})
    expect_fault(lambda: tenant.customer.call('saas_portal.client', 'backup_database', [tenant.record_id]), 'AccessError')
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(portal('saas_portal.client', 'backup_database', [tenant.record_id]))))
    names = archive.namelist()
    check('manifest.json' in names, 'no manifest in %r' % names)
    manifest = json.loads(archive.read('manifest.json'))
    check(manifest['format'] == 'saasportal-backup' and 'data/res_partner.jsonl' in names, 'not a tenant backup: %r' % names)
    check(any(b'in the backup' in archive.read(n) for n in names if n == 'data/res_partner.jsonl'), 'the new partner is not in the backup')
    check(tenant.owner('res.partner', 'search_count', []) > 0, 'the tenant suffered from its backup')


def sync():
    tenant = Tenant('sync')
    tenant.upgrade(trial='False', max_users='7', total_storage_limit='300', expiration_datetime='2999-12-31 23:00:00')
    record = client(tenant.record_id, 'trial', 'max_users', 'total_storage_limit', 'expiration_datetime', 'state', 'suspended',
                    'users_len')
    check(record['trial'] is False and record['max_users'] == 7 and record['total_storage_limit'] == 300, 'record %r' % record)
    check(record['expiration_datetime'].startswith('2999-12-31 23:00'), 'record %r' % record)
    check(record['state'] == 'open' and record['suspended'] is False and record['users_len'] == 1, 'record %r' % record)
    tenant.upgrade(suspended='1')
    check(client(tenant.record_id, 'state')['state'] == 'pending', 'a suspended client is not pending')
    tenant.upgrade(suspended='0', trial='True')
    check(client(tenant.record_id, 'state', 'trial') == {'id': tenant.record_id, 'state': 'open', 'trial': True}, 'not back to open')
    # Changes made inside the tenant reach the record through sync_client.
    tenant.new_user('second')
    tenant.new_user('third')
    for n in range(3):
        tenant.admin('res.partner', 'create', {'name': 'ballast %d' % n, 'comment': incompressible_megabyte()})
    before = client(tenant.record_id, 'users_len', 'db_storage', 'last_sync')
    check(before['users_len'] == 1, 'users_len moved before the sync: %r' % before)
    expect_fault(lambda: tenant.customer.call('saas_portal.client', 'sync_client', [tenant.record_id]), 'AccessError')
    check(portal('saas_portal.client', 'sync_client', [tenant.record_id]) == 1, 'sync_client did not sync one client')
    after = client(tenant.record_id, 'users_len', 'db_storage', 'file_storage', 'last_sync')
    check(after['users_len'] == 3, 'users_len after sync: %r' % after)
    check(after['db_storage'] >= before['db_storage'] + 2, 'db_storage after 3 MB of data: %r then %r' % (before, after))
    check(after['last_sync'] >= before['last_sync'], 'last_sync went back: %r' % after)


def expiry():
    plan = portal('saas_portal.plan', 'create', {
        'name': new_name('trial-plan'), 'state': 'confirmed', 'expiration': 2, 'grace_period': 10,
        'template_id': portal('saas_portal.plan', 'read', [PLAN_ID], fields=['template_id'])[0]['template_id'][0]})
    fresh, late, gone, paid = (Tenant('trial', plan=plan, trial=True), Tenant('trial', plan=plan, trial=True),
                               Tenant('trial', plan=plan, trial=True), Tenant('paid', plan=plan))
    record = client(fresh.record_id, 'trial', 'expiration_datetime', 'state')
    check(record['trial'] is True and record['state'] == 'open', 'trial record %r' % record)
    check(utc(datetime.timedelta(hours=1, minutes=55)) <= record['expiration_datetime'] <= utc(datetime.timedelta(hours=2, minutes=5)),
          'a 2-hour trial expires at %r' % record['expiration_datetime'])
    check(fresh.admin('ir.config_parameter', 'get_param', 'saas_client.expiration_datetime') == record['expiration_datetime'],
          'the tenant does not carry the expiration')
    # Past expiry but within the grace period: pending, kept. Past the grace period: dropped. Paid: never dropped.
    portal('saas_portal.client', 'write', [late.record_id], {'expiration_datetime': utc(-datetime.timedelta(days=1))})
    gone.upgrade(expiration_datetime=utc(-datetime.timedelta(days=11)))
    paid.upgrade(expiration_datetime=utc(-datetime.timedelta(days=100)))
    expect_fault(lambda: fresh.customer.call('saas_portal.client', 'run_expiry_job'), 'AccessError')
    outcome = portal('saas_portal.client', 'run_expiry_job')
    check(gone.name in outcome['deleted'] and late.name in outcome['pending'], 'job outcome %r' % outcome)
    check(client(late.record_id, 'state', 'expired')['state'] == 'pending', 'an expired trial in its grace period is not pending')
    check(late.name in databases(), 'a trial in its grace period was dropped')
    check(client(gone.record_id, 'state')['state'] == 'deleted' and gone.name not in databases(), 'a trial past its grace period survived')
    check(client(paid.record_id, 'state')['state'] == 'pending' and paid.name in databases(), 'a paid client was dropped or not pending')
    check(client(fresh.record_id, 'state')['state'] == 'open' and fresh.name in databases(), 'a running trial was touched')
    expect_fault(lambda: paid.owner('res.partner', 'search_count', []), 'expired')
    # A second run finds nothing new.
    again = portal('saas_portal.client', 'run_expiry_job')
    check(not again['deleted'] and not again['pending'], 'second run %r' % again)


main({'delete': delete, 'rename': rename, 'duplicate': duplicate, 'backup': backup, 'sync': sync, 'expiry': expiry})

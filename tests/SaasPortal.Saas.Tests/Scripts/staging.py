# Staging copies (issue 11, item 3): a copy of a tenant under a new name, marked as a copy of its source, with
# outgoing mail and scheduled actions switched off and an expiry (15 days by default) at which it is deleted.
import datetime


def utc(delta):
    return datetime.datetime.now(datetime.timezone.utc) + delta


def parse(text):
    return datetime.datetime.strptime(text, '%Y-%m-%d %H:%M:%S').replace(tzinfo=datetime.timezone.utc)


def param(db, key):
    return call(db, 1, ADMIN_PASSWORD, 'ir.config_parameter', 'get_param', [key])


def record(record_id, *fields):
    return portal('saas_portal.client', 'read', [record_id], fields=list(fields))[0]


def copy_and_expire():
    tenant = Tenant('stg')
    tenant.owner('res.partner', 'create', {'name': 'copied into staging'})
    expect_fault(lambda: tenant.customer.call('saas_portal.client', 'create_staging', [tenant.record_id]), 'AccessError')
    for days in (0, -1, 366, 'ten'):
        expect_fault(lambda: portal('saas_portal.client', 'create_staging', [tenant.record_id], expiry_days=days), 'expiry_days')

    before = utc(datetime.timedelta(days=15, seconds=-5))
    copy = portal('saas_portal.client', 'create_staging', [tenant.record_id])
    after = utc(datetime.timedelta(days=15, seconds=5))
    check(copy['name'] == tenant.name + '-staging' and copy['staging_of_id'] == tenant.record_id, 'create_staging returned %r' % copy)
    check(copy['name'] in databases(), 'the staging database does not exist')

    # The portal shows it as a copy of its source, expiring in 15 days; the copy is a new client of the same customer.
    row = record(copy['id'], 'name', 'staging_of_id', 'expiration_datetime', 'partner_id', 'client_id', 'state')
    check(row['staging_of_id'] and row['staging_of_id'][0] == tenant.record_id, 'staging_of_id %r' % row['staging_of_id'])
    check(before <= parse(row['expiration_datetime']) <= after, 'expiration %r is not 15 days away' % row['expiration_datetime'])
    check(row['partner_id'][0] == tenant.customer.partner_id and row['client_id'] != tenant.result['client_id'], 'copy record %r' % row)
    check(tenant.customer.call('saas_portal.client', 'search_count', [['staging_of_id', '=', tenant.record_id]]) == 1,
          'the customer does not see the copy of their database')

    # Inside the copy: the data, mail and scheduled actions off (hidden from its own administrators), and the expiry.
    check(call(copy['name'], 1, ADMIN_PASSWORD, 'res.partner', 'search_count', [[['name', '=', 'copied into staging']]]) == 1, 'data not copied')
    check(param(copy['name'], 'saas_client.mail_disabled') == '1', 'outgoing mail is not off in the copy')
    check(param(copy['name'], 'saas_client.cron_disabled') == '1', 'scheduled actions are not off in the copy')
    check(param(copy['name'], 'saas_client.expiration_datetime') == row['expiration_datetime'], 'the copy does not carry its expiry')
    check(not param(tenant.name, 'saas_client.mail_disabled'), 'the source\'s mail was switched off')
    owner = common().authenticate(copy['name'], tenant.customer.login, tenant.owner_password, {})
    check(owner, 'the owner cannot log into the staging copy')
    try:
        seen = call(copy['name'], owner, tenant.owner_password, 'ir.config_parameter', 'search_count', [[['key', '=', 'saas_client.mail_disabled']]])
    except xmlrpclib.Fault as fault:
        check('AccessError' in fault.faultString, 'unexpected fault %s' % fault.faultString)
        seen = 0
    check(seen == 0, 'the copy\'s owner sees the mail switch')

    # A second copy gets the next name and the life asked for.
    second = portal('saas_portal.client', 'create_staging', [tenant.record_id], expiry_days=3)
    check(second['name'] == tenant.name + '-staging2', 'second staging name %r' % second['name'])
    check(abs((parse(second['expiration_datetime']) - utc(datetime.timedelta(days=3))).total_seconds()) < 60, 'expiry_days=3: %r' % second)
    named = portal('saas_portal.client', 'create_staging', [tenant.record_id], name=new_name('stg-named'), expiry_days=1)
    check(record(named['id'], 'staging_of_id')['staging_of_id'][0] == tenant.record_id, 'named copy not marked')

    # At its expiry the expiry pass deletes the copy at once (no grace period); the source and the other copies stay.
    tenant_expiry = param(tenant.name, 'saas_client.expiration_datetime')
    portal('saas.config', 'do_upgrade_database',
           {'params': [{'key': 'saas_client.expiration_datetime', 'value': utc(datetime.timedelta(minutes=-1)).strftime('%Y-%m-%d %H:%M:%S'),
                        'hidden': True}]}, copy['id'])
    result = portal('saas_portal.client', 'run_expiry_job')
    check(copy['name'] in result['deleted'], 'the expired staging copy was not deleted: %r' % result)
    check(copy['name'] not in databases() and record(copy['id'], 'state')['state'] == 'deleted', 'the staging database is still there')
    listed = databases()
    check(tenant.name in listed and second['name'] in listed and named['name'] in listed, 'the expiry pass dropped too much')
    check(param(tenant.name, 'saas_client.expiration_datetime') == tenant_expiry, 'the source\'s expiry changed')
    check(record(tenant.record_id, 'state')['state'] != 'deleted', 'the source was deleted')


def refusals():
    tenant, other = Tenant('stgr'), Tenant('stgr-other')
    expect_fault(lambda: portal('saas_portal.client', 'create_staging', [tenant.record_id], name=other.name), 'already exists')
    expect_fault(lambda: portal('saas_portal.client', 'create_staging', [tenant.record_id], name='Not Valid'), 'Invalid database name')
    expect_fault(lambda: portal('saas_portal.client', 'create_staging', [tenant.record_id, other.record_id]), 'exactly one')
    portal('saas_portal.client', 'delete_database', [other.record_id])
    expect_fault(lambda: portal('saas_portal.client', 'create_staging', [other.record_id]), 'deleted')
    check(len([c for c in clients_named(tenant.name + '-staging')]) == 0, 'a refused staging copy left a record')


main({'copy_and_expire': copy_and_expire, 'refusals': refusals})

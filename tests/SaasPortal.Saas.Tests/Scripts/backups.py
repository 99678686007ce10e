"""Backup scenarios (tests/SaasPortal.Saas.Tests/BackupTests.cs): db.dump / db.restore with Python's xmlrpc.client.

Extra argv after the common four: <master_password> <other_server_url> <other_master_password>. The other server runs
the other backend, so an archive made on one is restored on the other and back.
"""
import base64
import hashlib
import io
import zipfile

MASTER, OTHER_URL, OTHER_MASTER = sys.argv[5], sys.argv[6], sys.argv[7]

# Every model compared record by record, with the fields that must come back equal (all stored fields).
COMPARED = ['res.partner', 'res.users', 'res.groups', 'ir.attachment', 'ir.config_parameter', 'ir.module.module',
            'sale.order', 'sale.order.line', 'product.product', 'product.template']


def db_service(url):
    return xmlrpclib.ServerProxy(url + '/xmlrpc/2/db', allow_none=True)


def on(url, db, model, method, *args, **kwargs):
    proxy = xmlrpclib.ServerProxy(url + '/xmlrpc/2/object', allow_none=True)
    return proxy.execute_kw(db, 1, ADMIN_PASSWORD, model, method, list(args), kwargs)


def snapshot(url, db):
    """Every record of the compared models as the superuser reads them (inactive ones included), by id."""
    state = {}
    for model in COMPARED:
        fields = on(url, db, model, 'fields_get', attributes=['store', 'type'])
        stored = sorted(f for f, d in fields.items() if d.get('store', True) and d['type'] not in ('one2many',))
        rows = on(url, db, model, 'search_read', [], stored, order='id', context={'active_test': False})
        state[model] = rows
    return state


def assert_same(before, after, where):
    for model in COMPARED:
        a, b = before[model], after[model]
        check(len(a) == len(b), '%s: %s has %d records, %d before' % (where, model, len(b), len(a)))
        for old, new in zip(a, b):
            check(old == new, '%s: %s record %s differs:\nbefore %r\nafter  %r' % (where, model, old.get('id'), old, new))


def tenant_with_data():
    tenant = Tenant('bk')
    portal('saas.config', 'do_upgrade_database', {'install_addons': ['sale']}, tenant.record_id)
    check(tenant.admin('ir.module.module', 'search_count', [['name', '=', 'sale'], ['state', '=', 'installed']]) == 1,
          'sale is not installed')
    customer = tenant.owner('res.partner', 'create', {'name': 'Backed-up customer', 'email': 'c@example.com', 'comment': 'é ünïcode ✓'})
    product = tenant.admin('product.product', 'create', {'name': 'Widget', 'list_price': 12.5})
    order = tenant.admin('sale.order', 'create', {'partner_id': customer})
    tenant.admin('sale.order.line', 'create', {'order_id': order, 'product_id': product, 'name': 'Widget', 'product_uom_qty': 3, 'price_unit': 12.5})
    tenant.admin('res.partner', 'create', {'name': 'Archived partner', 'active': False})
    body = b'attachment body \x00\x01\x02 ' * 100
    tenant.admin('ir.attachment', 'create', {'name': 'contract.bin', 'datas': base64.b64encode(body).decode(),
                                            'res_model': 'res.partner', 'res_id': customer})
    return tenant, body


def dump(url, master, db):
    return db_service(url).dump(master, db, 'zip')


def manifest_of(b64):
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(b64)))
    manifest = json.loads(archive.read('manifest.json'))
    check(manifest['format'] == 'saasportal-backup' and manifest['format_version'] == 2, 'manifest %r' % manifest['format'])
    for entry in manifest['entries']:
        data = archive.read(entry['path'])
        check(len(data) == entry['bytes'] and hashlib.sha256(data).hexdigest() == entry['sha256'], 'checksum of %s' % entry['path'])
    listed = {e['path'] for e in manifest['entries']} | {'manifest.json'}
    check(set(archive.namelist()) == listed, 'unlisted entries: %r' % (set(archive.namelist()) - listed))
    return manifest


def attachment_body(url, db):
    ids = on(url, db, 'ir.attachment', 'search', [['name', '=', 'contract.bin']])
    return base64.b64decode(on(url, db, 'ir.attachment', 'read', ids, ['datas'])[0]['datas'])


def round_trip():
    tenant, body = tenant_with_data()
    before = snapshot(URL, tenant.name)
    archive = dump(URL, MASTER, tenant.name)
    manifest = manifest_of(archive)
    modules = {m['name'] for m in manifest['modules']}
    check({'base', 'sale', 'saas_client'} <= modules, 'modules %r' % sorted(modules))
    tables = {t['name']: t['rows'] for t in manifest['tables']}
    check(tables['sale_order'] == 1 and tables['sale_order_line'] == 1, 'row counts %r' % tables)
    check(any(e['path'].startswith('filestore/') for e in manifest['entries']), 'no file store entry')

    check(db_service(URL).drop(MASTER, tenant.name), 'drop failed')
    check(tenant.name not in databases(), 'still listed after drop')
    check(db_service(URL).restore(MASTER, tenant.name, archive, False) is True, 'restore did not return True')
    assert_same(before, snapshot(URL, tenant.name), 'same backend')
    check(attachment_body(URL, tenant.name) == body, 'attachment body differs after restore')
    check(common().authenticate(tenant.name, tenant.customer.login, tenant.owner_password, {}) == tenant.owner_uid,
          'the owner cannot log in after the restore')
    # New records continue after the restored ids.
    new_id = tenant.admin('res.partner', 'create', {'name': 'after restore'})
    check(new_id > max(r['id'] for r in before['res.partner']), 'id %d reuses a restored id' % new_id)


def across_backends():
    tenant, body = tenant_with_data()
    before = snapshot(URL, tenant.name)
    archive = dump(URL, MASTER, tenant.name)

    moved = new_name('moved')
    check(db_service(OTHER_URL).restore(OTHER_MASTER, moved, archive, False) is True, 'restore on the other backend failed')
    assert_same(before, snapshot(OTHER_URL, moved), 'other backend')
    check(attachment_body(OTHER_URL, moved) == body, 'attachment body differs on the other backend')
    check(common_at(OTHER_URL).authenticate(moved, tenant.customer.login, tenant.owner_password, {}) == tenant.owner_uid,
          'the owner cannot log in on the other backend')

    # The owner's login above wrote login_date: the way back is compared with the moved database as it is now.
    moved_state = snapshot(OTHER_URL, moved)
    back = new_name('back')
    again = dump(OTHER_URL, OTHER_MASTER, moved)
    check(db_service(URL).restore(MASTER, back, again, False) is True, 'restore back failed')
    assert_same(moved_state, snapshot(URL, back), 'and back')
    check(db_service(OTHER_URL).drop(OTHER_MASTER, moved), 'drop on the other backend failed')


def common_at(url):
    return xmlrpclib.ServerProxy(url + '/xmlrpc/2/common', allow_none=True)


def corrupted():
    tenant, _ = tenant_with_data()
    raw = base64.b64decode(dump(URL, MASTER, tenant.name))

    # One changed byte inside the rows of a table, the manifest untouched.
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == 'data/res_partner.jsonl':
                data = data.replace(b'Backed-up customer', b'Backed-up custoMer')
            target.writestr(info.filename, data)
    tampered = new_name('tampered')
    expect_fault(lambda: db_service(URL).restore(MASTER, tampered, base64.b64encode(out.getvalue()).decode(), False),
                 'data/res_partner.jsonl', 'checksum')
    check(tampered not in databases(), 'a refused restore left %s behind' % tampered)

    truncated = new_name('truncated')
    expect_fault(lambda: db_service(URL).restore(MASTER, truncated, base64.b64encode(raw[:len(raw) // 2]).decode(), False),
                 'damaged or truncated')
    check(truncated not in databases(), 'a refused restore left %s behind' % truncated)


main({'round_trip': round_trip, 'across_backends': across_backends, 'corrupted': corrupted})

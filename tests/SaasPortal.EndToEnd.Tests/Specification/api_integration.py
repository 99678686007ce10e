"""The specification (shared/seed/api_integration.rst) run as written, ported only from Python 2's
xmlrpclib to Python 3's xmlrpc.client, with the outcome of every snippet checked inside the tenant.

Usage: python3 api_integration.py <portal_url> [<portal_db> [<client_db>]]
(the names default to the specification's: portal and client.odoo.local)
Exit status 0 when every step did what the specification says; otherwise the first failure is printed.
"""
import sys
import xmlrpc.client as xmlrpclib

portal_url = sys.argv[1]
portal_db_name = sys.argv[2] if len(sys.argv) > 2 else 'portal'
client_db_name = sys.argv[3] if len(sys.argv) > 3 else 'client.odoo.local'
step = 'start'


def check(condition, message):
    if not condition:
        raise AssertionError('%s: %s' % (step, message))


def expect_fault(fn, *needles):
    try:
        fn()
    except xmlrpclib.Fault as fault:
        for needle in needles:
            check(needle.lower() in fault.faultString.lower(),
                  'fault %r does not mention %r' % (fault.faultString, needle))
        return fault
    raise AssertionError('%s: expected a fault mentioning %r' % (step, needles))


# --- Authenticate admin with SaaS Portal -------------------------------------------------------
step = 'authenticate admin'
portal_db = portal_db_name
admin_username = 'admin'
admin_password = 'admin'

common = xmlrpclib.ServerProxy('{}/xmlrpc/2/common'.format(portal_url))
admin_uid = common.authenticate(portal_db, admin_username, admin_password, {})
models = xmlrpclib.ServerProxy('{}/xmlrpc/2/object'.format(portal_url))
check(admin_uid == 1, 'admin uid is %r, expected 1' % admin_uid)

# --- Signup a user on SaaS Portal --------------------------------------------------------------
step = 'signup'
client_username = 'client-email@example.com'
client_name = 'Client Name'
client_password = 'Client Password'
models.execute_kw(portal_db, admin_uid, admin_password, 'res.users', 'signup', [{
    'login': client_username,
    'name': client_name,
    'password': client_password,
}])

signed_up = models.execute_kw(portal_db, admin_uid, admin_password, 'res.users', 'search_read',
                              [[['login', '=', client_username]]], {'fields': ['share', 'groups_id', 'partner_id']})
check(len(signed_up) == 1, 'signed-up user not found')
check(signed_up[0]['share'] is True, 'signed-up user should be a portal (share) user')
group_names = [g[1] for g in models.execute_kw(portal_db, admin_uid, admin_password, 'res.groups', 'name_get',
                                               [signed_up[0]['groups_id']])]
check(any(n.endswith('Portal') for n in group_names), 'not in group Portal: %r' % group_names)
check(any(n.endswith('View Online Payment Options') for n in group_names),
      'not in group View Online Payment Options: %r' % group_names)
expect_fault(lambda: models.execute_kw(portal_db, admin_uid, admin_password, 'res.users', 'signup', [{
    'login': client_username, 'name': client_name, 'password': client_password}]), client_username)

# --- Create client database --------------------------------------------------------------------
step = 'create client database'
# Authenticate the user at Portal Database
client_uid = common.authenticate(portal_db, client_username, client_password, {})
check(client_uid, 'the signed-up user cannot authenticate on the portal')
# Create new Client database
plan_id = 1  # specify plan you need
client_db = client_db_name
# you can keep client_db empty to generate it automatically
# from "DB Names" parameter in Plan's form
owner_password = 'password of owner to log in his database'
res = models.execute_kw(portal_db, admin_uid, admin_password,
                        'saas_portal.plan', 'create_new_database',
                        [plan_id], {'dbname': client_db, 'user_id': client_uid, 'owner_password': owner_password})
for key in ('id', 'client_id', 'url', 'auth_url', 'state'):
    check(key in res, 'result lacks %r: %r' % (key, res))

tenant = xmlrpclib.ServerProxy('{}/xmlrpc/2/object'.format(portal_url))
owner_uid = common.authenticate(client_db, client_username, owner_password, {})
check(owner_uid, 'owner cannot log into the new database with owner_password')
check(common.authenticate(client_db, client_username, client_password, {}) is False,
      'the portal password must not open the client database')
tenant_admin_uid = common.authenticate(client_db, 'admin', admin_password, {})
check(tenant_admin_uid == 1, 'tenant admin uid is %r' % tenant_admin_uid)
logins = sorted(u['login'] for u in tenant.execute_kw(client_db, tenant_admin_uid, admin_password, 'res.users',
                                                       'search_read', [[]], {'fields': ['login']}))
check(logins == sorted(['admin', client_username]), 'users of the new database: %r' % logins)
for xmlid in ('base.group_user', 'base.group_partner_manager'):
    check(tenant.execute_kw(client_db, owner_uid, owner_password, 'res.users', 'has_group', [[owner_uid], xmlid]),
          'owner is not in %s' % xmlid)
expect_fault(lambda: models.execute_kw(portal_db, admin_uid, admin_password, 'saas_portal.plan', 'create_new_database',
                                       [plan_id], {'dbname': client_db, 'user_id': client_uid,
                                                   'owner_password': owner_password}), client_db)

# --- Get id of client database record on SaaS Portal -------------------------------------------
step = 'find client record'
partner_id = signed_up[0]['partner_id'][0]
ids = models.execute_kw(portal_db, admin_uid, admin_password,
                        'saas_portal.client', 'search',
                        [[['plan_id', '=', plan_id], ['partner_id', '=', partner_id]]])
check(ids == [res['id']], 'search by plan and partner gave %r, expected [%r]' % (ids, res['id']))
ids = models.execute_kw(portal_db, admin_uid, admin_password,
                        'saas_portal.client', 'search',
                        [[['name', '=', client_db]]])
check(ids == [res['id']], 'search by name gave %r' % ids)


def client_record():
    return models.execute_kw(portal_db, admin_uid, admin_password, 'saas_portal.client', 'read', [ids],
                             {'fields': ['state', 'suspended', 'max_users', 'total_storage_limit']})[0]


def owner_call():
    return tenant.execute_kw(client_db, owner_uid, owner_password, 'res.partner', 'search_count', [[]])


# --- Suspend client database -------------------------------------------------------------------
step = 'suspend'
saas_portal_client_id = ids[0]
data = {'params': [{'key': 'saas_client.suspended', 'value': '1', 'hidden': True}]}
res = models.execute_kw(portal_db, admin_uid, admin_password,
                        'saas.config', 'do_upgrade_database',
                        [data, saas_portal_client_id])
expect_fault(owner_call, 'suspended')
check(client_record()['suspended'] is True, 'client record not marked suspended')
check(tenant.execute_kw(client_db, tenant_admin_uid, admin_password, 'res.partner', 'search_count', [[]]) > 0,
      'the superuser must keep working in a suspended database')

step = 'resume'
saas_portal_client_id = ids[0]
data = {'params': [{'key': 'saas_client.suspended', 'value': '0', 'hidden': True}]}
res = models.execute_kw(portal_db, admin_uid, admin_password,
                        'saas.config', 'do_upgrade_database',
                        [data, saas_portal_client_id])
check(owner_call() > 0, 'owner cannot work after resumption')
check(client_record()['suspended'] is False, 'client record still marked suspended')

# --- Limit number of users for client database -------------------------------------------------
step = 'max users'
saas_portal_client_id = ids[0]
data = {'params': [{'key': 'saas_client.max_users', 'value': '4', 'hidden': True}]}
res = models.execute_kw(portal_db, admin_uid, admin_password,
                        'saas.config', 'do_upgrade_database',
                        [data, saas_portal_client_id])
check(client_record()['max_users'] == 4, 'client record max_users not mirrored')
employee = tenant.execute_kw(client_db, tenant_admin_uid, admin_password, 'ir.model.data', 'xmlid_to_res_id',
                             ['base.group_user'])
for n in range(2, 5):  # the owner is the first internal user
    tenant.execute_kw(client_db, tenant_admin_uid, admin_password, 'res.users', 'create', [{
        'login': 'user%d@example.com' % n, 'name': 'User %d' % n, 'password': 'pw-%d-long-enough' % n,
        'groups_id': [(6, 0, [employee])]}])
expect_fault(lambda: tenant.execute_kw(client_db, tenant_admin_uid, admin_password, 'res.users', 'create', [{
    'login': 'user5@example.com', 'name': 'User 5', 'password': 'pw-5-long-enough',
    'groups_id': [(6, 0, [employee])]}]), 'Maximum allowed users is 4, while you already have 4')
# Even as the tenant's own Settings administrator, the owner must not see what the portal set.
settings_group = tenant.execute_kw(client_db, tenant_admin_uid, admin_password, 'ir.model.data', 'xmlid_to_res_id',
                                   ['base.group_system'])
tenant.execute_kw(client_db, tenant_admin_uid, admin_password, 'res.users', 'write',
                  [[owner_uid], {'groups_id': [(4, settings_group)]}])
hidden = tenant.execute_kw(client_db, owner_uid, owner_password, 'ir.config_parameter', 'search_count',
                           [[['key', '=', 'saas_client.max_users']]])
check(hidden == 0, 'a hidden parameter is visible to the owner')
check(tenant.execute_kw(client_db, owner_uid, owner_password, 'ir.config_parameter', 'search_count', [[]]) > 0,
      'setup: a Settings administrator should see the ordinary parameters')
tenant.execute_kw(client_db, tenant_admin_uid, admin_password, 'res.users', 'write',
                  [[owner_uid], {'groups_id': [(3, settings_group)]}])

# --- Limit storage usage for client database ---------------------------------------------------
step = 'storage limit'
saas_portal_client_id = ids[0]
data = {'params': [{'key': 'saas_client.total_storage_limit', 'value': '500', 'hidden': True}]}
res = models.execute_kw(portal_db, admin_uid, admin_password,
                        'saas.config', 'do_upgrade_database',
                        [data, saas_portal_client_id])
check(client_record()['total_storage_limit'] == 500, 'client record storage limit not mirrored')
check(tenant.execute_kw(client_db, tenant_admin_uid, admin_password, 'ir.config_parameter', 'get_param',
                        ['saas_client.total_storage_limit']) == '500', 'storage limit not set in the tenant')


def module_state(name):
    found = tenant.execute_kw(client_db, tenant_admin_uid, admin_password, 'ir.module.module', 'search_read',
                              [[['name', '=', name]]], {'fields': ['state']})
    return found[0]['state'] if found else None


# --- Install/Uninstall modules in client database ----------------------------------------------
step = 'install sale and fleet'
saas_portal_client_id = ids[0]
data = {'install_addons': ['sale', 'fleet']}
res = models.execute_kw(portal_db, admin_uid, admin_password,
                        'saas.config', 'do_upgrade_database',
                        [data, saas_portal_client_id])
check(module_state('sale') == 'installed' and module_state('fleet') == 'installed',
      'sale/fleet states: %r/%r' % (module_state('sale'), module_state('fleet')))
tenant.execute_kw(client_db, tenant_admin_uid, admin_password, 'fleet.vehicle', 'search', [[]])

step = 'uninstall fleet'
saas_portal_client_id = ids[0]
data = {'uninstall_addons': ['fleet']}
res = models.execute_kw(portal_db, admin_uid, admin_password,
                        'saas.config', 'do_upgrade_database',
                        [data, saas_portal_client_id])
check(module_state('fleet') == 'uninstalled', 'fleet state: %r' % module_state('fleet'))
check(module_state('sale') == 'installed', 'sale must stay installed')
expect_fault(lambda: tenant.execute_kw(client_db, tenant_admin_uid, admin_password, 'fleet.vehicle', 'search', [[]]),
             "doesn't exist")

# --- Grant/restrict access rights for users in client database ---------------------------------
step = 'access_owner_add'
saas_portal_client_id = ids[0]
data = {'access_owner_add': ['base.group_sale_manager', 'stock.group_stock_manager']}
res = models.execute_kw(portal_db, admin_uid, admin_password,
                        'saas.config', 'do_upgrade_database',
                        [data, saas_portal_client_id])
check(tenant.execute_kw(client_db, owner_uid, owner_password, 'res.users', 'has_group',
                        [[owner_uid], 'base.group_sale_manager']), 'owner did not gain base.group_sale_manager')
check('stock.group_stock_manager' in repr(res), 'the unknown group is not reported: %r' % res)

step = 'access_remove'
tenant.execute_kw(client_db, tenant_admin_uid, admin_password, 'res.users', 'write', [[owner_uid], {
    'groups_id': [(4, tenant.execute_kw(client_db, tenant_admin_uid, admin_password, 'ir.model.data',
                                        'xmlid_to_res_id', ['access_apps.group_show_modules_menu']))]}])
check(tenant.execute_kw(client_db, owner_uid, owner_password, 'res.users', 'has_group',
                        [[owner_uid], 'access_apps.group_show_modules_menu']), 'setup: owner not in the group')
saas_portal_client_id = ids[0]
data = {'access_remove': ['access_apps.group_show_modules_menu']}
res = models.execute_kw(portal_db, admin_uid, admin_password,
                        'saas.config', 'do_upgrade_database',
                        [data, saas_portal_client_id])
check(not tenant.execute_kw(client_db, owner_uid, owner_password, 'res.users', 'has_group',
                            [[owner_uid], 'access_apps.group_show_modules_menu']),
      'owner still in access_apps.group_show_modules_menu')

print('specification: every snippet did what the text says')

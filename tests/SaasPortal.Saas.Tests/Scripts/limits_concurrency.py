"""Limits under concurrency (issue 8, item 7): parallel calls cannot slip past the user or the storage limit.

Each call runs on its own thread with its own connection, as independent clients do; a refusal is an answer
like any other, so the checks count answers and then look at what the tenant holds.
"""
import base64
import os
from concurrent.futures import ThreadPoolExecutor


def in_parallel(fn, count):
    """Runs fn(0..count-1) at once; returns ('ok', result) or ('fault', text) per call, in order."""
    def attempt(i):
        try:
            return ('ok', fn(i))
        except (xmlrpclib.Fault, WebError) as fault:
            return ('fault', fault.faultString)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(attempt, range(count)))


def internal_users(tenant):
    """What the limit counts: active internal users other than the superuser."""
    return tenant.admin('res.users', 'search_count', [('share', '=', False), ('active', '=', True), ('id', '!=', 1)])


def refusals(results, needle):
    faults = [text for kind, text in results if kind == 'fault']
    for text in faults:
        check(needle in text, 'a parallel call failed for another reason than the limit: %r' % text)
    return len(faults)


def user_creations():
    tenant = Tenant('par-users')
    tenant.upgrade(max_users='4')
    before = internal_users(tenant)
    check(before < 4, 'the new tenant already has %d internal users' % before)
    group = tenant.group('base.group_user')
    stem = new_name('u')
    results = in_parallel(lambda i: tenant.admin('res.users', 'create', {
        'login': '%s-%d@example.com' % (stem, i), 'name': 'Parallel %d' % i, 'groups_id': [(6, 0, [group])]}), 20)
    refused = refusals(results, 'Maximum allowed users is 4')
    check(internal_users(tenant) == 4, 'after 20 parallel creations under max_users = 4 the tenant has %d internal users'
          % internal_users(tenant))
    check(20 - refused == 4 - before, '%d creations succeeded, %d expected' % (20 - refused, 4 - before))


def user_reactivations():
    tenant = Tenant('par-react')
    archived = [tenant.new_user('r%d' % i) for i in range(10)]
    tenant.admin('res.users', 'write', archived, {'active': False})
    tenant.upgrade(max_users='4')
    before = internal_users(tenant)
    results = in_parallel(lambda i: tenant.admin('res.users', 'write', [archived[i]], {'active': True}), 10)
    refused = refusals(results, 'Maximum allowed users is 4')
    check(internal_users(tenant) == 4, 'after 10 parallel re-activations under max_users = 4 the tenant has %d internal users'
          % internal_users(tenant))
    check(10 - refused == 4 - before, '%d re-activations succeeded, %d expected' % (10 - refused, 4 - before))


def storage_writes():
    tenant = Tenant('par-storage')
    record = tenant.record('db_storage', 'file_storage')
    used = record['db_storage'] + record['file_storage']  # whole MB, rounded down
    limit = used + 2  # so between 1 and 2 MB are left
    tenant.upgrade(total_storage_limit=str(limit))
    size = 400 * 1024
    bodies = [base64.b64encode(os.urandom(size)).decode() for _ in range(20)]
    results = in_parallel(lambda i: tenant.owner('ir.attachment', 'create', {
        'name': 'parallel-%d.bin' % i, 'datas': bodies[i], 'res_model': 'res.partner', 'res_id': 1}), 20)
    refused = refusals(results, 'Storage limit reached')
    passed = 20 - refused
    # At most 2 MB were free: serialised writes of 400 KB stop after 5 (the last one may cross the limit), plus one
    # for the rounding of the starting figure.
    check(1 <= passed <= 6, '%d parallel writes of 400 KB passed with at most 2 MB free' % passed)
    expect_fault(lambda: tenant.owner('ir.attachment', 'create', {'name': 'after.bin', 'datas': bodies[0]}), 'Storage limit reached')


main({'user_creations': user_creations, 'user_reactivations': user_reactivations, 'storage_writes': storage_writes})

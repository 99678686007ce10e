# The periodic maintenance job (issue 10, items 5 and 6) on a server started with a short interval.
import time


def periodic_sync():
    tenant = Tenant('periodic')
    tenant.new_user('second')
    tenant.new_user('third')
    # A trial past its plan's grace period (0 days) is dropped by the job without anybody calling it.
    plan = portal('saas_portal.plan', 'create', {
        'name': new_name('plan'), 'state': 'confirmed', 'expiration': 1, 'grace_period': 0,
        'template_id': portal('saas_portal.plan', 'read', [PLAN_ID], fields=['template_id'])[0]['template_id'][0]})
    trial = Tenant('trial', plan=plan, trial=True)
    # The tenant's parameter is what governs (the sync mirrors it onto the record), so expire it there.
    trial.upgrade(expiration_datetime='2001-01-01 00:00:00')
    deadline = time.time() + 90
    while time.time() < deadline:
        users = portal('saas_portal.client', 'read', [tenant.record_id], fields=['users_len'])[0]['users_len']
        state = portal('saas_portal.client', 'read', [trial.record_id], fields=['state'])[0]['state']
        if users == 3 and state == 'deleted':
            check(trial.name not in databases(), 'the expired trial is marked deleted but its database is still there')
            return
        time.sleep(1)
    raise AssertionError('after 90 s the job had not run: users_len %r, trial state %r' % (users, state))


main({'periodic_sync': periodic_sync})

# Concurrent create_new_database calls (issue 10, item 8), each thread with its own ServerProxy.


def create(name, customer):
    return lambda: objects().execute_kw(PORTAL, 1, ADMIN_PASSWORD, 'saas_portal.plan', 'create_new_database', [[PLAN_ID]],
                                         {'dbname': name, 'user_id': customer.uid, 'owner_password': 'owner-pw-conc'})


def distinct_names():
    customers = [Customer('par%d' % n) for n in range(20)]
    names = [new_name('par') for _ in customers]
    outcomes = in_threads([create(name, customer) for name, customer in zip(names, customers)])
    failures = [o for o in outcomes if isinstance(o, Exception)]
    check(not failures, '%d of 20 failed: %r' % (len(failures), failures[:3]))
    listed = databases()
    for name, customer, outcome in zip(names, customers, outcomes):
        check(name in listed, '%s missing' % name)
        check(len(clients_named(name)) == 1, 'client records of %s: %r' % (name, clients_named(name)))
        check(common().authenticate(name, customer.login, 'owner-pw-conc', {}), 'owner cannot log into %s' % name)
        check(call(name, 1, ADMIN_PASSWORD, 'ir.config_parameter', 'get_param', ['database.uuid']) == outcome['client_id'],
              'identity of %s mixed up' % name)
    check(len({o['client_id'] for o in outcomes}) == 20, 'client ids are not distinct')


def same_name():
    customers = [Customer('same%d' % n) for n in range(5)]
    name = new_name('same')
    outcomes = in_threads([create(name, customer) for customer in customers])
    winners = [(o, c) for o, c in zip(outcomes, customers) if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    check(len(winners) == 1, 'expected one winner, got %d: %r' % (len(winners), outcomes))
    for loser in losers:
        check(isinstance(loser, xmlrpclib.Fault) and 'already exists' in loser.faultString,
              'a loser got %r instead of a clear refusal' % loser)
    check(databases().count(name) == 1, 'database listed %d times' % databases().count(name))
    ids = clients_named(name)
    check(ids == [winners[0][0]['id']], 'client records of %s: %r' % (name, ids))
    winner = winners[0][1]
    check(common().authenticate(name, winner.login, 'owner-pw-conc', {}), 'the winner does not own the database')
    for customer in customers:
        if customer is not winner:
            check(common().authenticate(name, customer.login, 'owner-pw-conc', {}) is False, 'a loser got an account')
    check(call(name, 1, ADMIN_PASSWORD, 'ir.config_parameter', 'get_param', ['database.uuid']) == winners[0][0]['client_id'],
          'the database does not carry the winner\'s identity')


main({'distinct_names': distinct_names, 'same_name': same_name})

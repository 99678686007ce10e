# Sign-up on the portal (issue 10, item 1): res.users.signup as the specification calls it.


def signup(login, password, name='Someone'):
    return portal('res.users', 'signup', {'login': login, 'name': name, 'password': password})


def new_customer_is_a_portal_user():
    customer = Customer('signup')
    user = portal('res.users', 'read', [customer.uid], fields=['share', 'groups_id'])[0]
    check(user['share'] is True, 'the signed-up user must be a share (portal) user')
    names = [n for _, n in portal('res.groups', 'name_get', user['groups_id'])]
    check(any(n.endswith('Portal') for n in names), 'not in Portal: %r' % names)
    check(any(n.endswith('View Online Payment Options') for n in names), 'not in View Online Payment Options: %r' % names)
    check(not any(n.endswith('Internal User') for n in names), 'a customer must not be an internal user: %r' % names)
    portal_group = portal('ir.model.data', 'xmlid_to_res_id', 'base.group_portal')
    check(portal_group in user['groups_id'], 'base.group_portal missing')


def second_signup_with_the_same_login_is_refused():
    customer = Customer('twice')
    before = portal('res.users', 'search_count', [['login', '=', customer.login]], context={'active_test': False})
    expect_fault(lambda: signup(customer.login, 'another-long-password'), 'already registered', customer.login)
    after = portal('res.users', 'search_count', [['login', '=', customer.login]], context={'active_test': False})
    check(before == after == 1, 'users with the login: %r then %r' % (before, after))
    # The first password still opens the account; the refused one does not.
    check(common().authenticate(PORTAL, customer.login, customer.password, {}) == customer.uid, 'first password lost')
    check(common().authenticate(PORTAL, customer.login, 'another-long-password', {}) is False, 'second password works')


def weak_or_empty_passwords_are_refused():
    for password in ('', 'short', '1234567'):
        login = new_name('weak') + '@example.com'
        expect_fault(lambda: signup(login, password), 'password')
        check(portal('res.users', 'search_count', [['login', '=', login]], context={'active_test': False}) == 0,
              'a refused sign-up left a user behind (password %r)' % password)
    login = new_name('same') + '@example.com'
    expect_fault(lambda: signup(login, login), 'password')
    expect_fault(lambda: portal('res.users', 'signup', {'login': new_name('none') + '@example.com', 'name': 'x'}), 'password')


main({'portal_user': new_customer_is_a_portal_user, 'same_login': second_signup_with_the_same_login_is_refused,
      'weak_password': weak_or_empty_passwords_are_refused})

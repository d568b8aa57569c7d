"""Passwords are hashed with Argon2id at 7 MiB and 5 passes; older costs still verify."""

from {{ cookiecutter.project_slug }}.users.hashers import Argon2idPasswordHasher

PASSWORD = "a long-enough pass 4c9e"


class FormerCostHasher(Argon2idPasswordHasher):
    """The cost of earlier releases of the template: 19 MiB, 2 passes."""

    memory_cost = 19 * 1024
    time_cost = 2


def test_a_new_password_is_hashed_with_argon2id_at_7_mib_and_5_passes():
    hasher = Argon2idPasswordHasher()

    encoded = hasher.encode(PASSWORD, hasher.salt())

    assert encoded.startswith("argon2$argon2id$v=19$m=7168,t=5,p=1$")
    assert hasher.verify(PASSWORD, encoded)
    assert not hasher.verify("another password", encoded)
    assert not hasher.must_update(encoded)


def test_a_hash_of_the_former_cost_verifies_and_is_rehashed_at_the_next_login():
    former = FormerCostHasher()
    encoded = former.encode(PASSWORD, former.salt())
    hasher = Argon2idPasswordHasher()

    assert "$m=19456,t=2,p=1$" in encoded
    assert hasher.verify(PASSWORD, encoded)
    assert hasher.must_update(encoded)

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum: 19 MiB of memory, 2 passes, 1 lane.

    Django's own defaults (100 MiB, 2 passes, 8 lanes) cost about ten times
    more CPU per login for the same kind of protection, and their eight
    threads compete with the other workers. Raise ``memory_cost`` if your
    login rate allows: hashes made with other costs still verify, and are
    rehashed with these at the user's next login.
    https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id
    """

    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1

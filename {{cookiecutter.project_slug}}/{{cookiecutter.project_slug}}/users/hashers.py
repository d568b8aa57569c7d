from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id at one of OWASP's minimum costs: 7 MiB of memory, 5 passes, 1 lane.

    OWASP lists five costs that defend equally (46 MiB and 1 pass, 19 MiB
    and 2, 12 and 3, 9 and 4, 7 and 5): memory times passes stays about the
    same, and so does the work of each guess. The least memory is chosen: on
    the template's benchmark machine, two workers hashing at 19 MiB each
    overflowed the 32 MiB processor cache they shared, which slowed both
    hashes and the requests after them; at 7 MiB a served login cost 0.8
    times as much, and a burst of logins needs a third of the memory.
    Django's own defaults (100 MiB, 2 passes, 8 lanes) cost about ten times
    more CPU per login, and their eight threads compete with the other
    workers. Hashes made with other costs still verify, and are rehashed
    with these at the user's next login.
    https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id
    """

    memory_cost = 7 * 1024  # KiB
    time_cost = 5
    parallelism = 1

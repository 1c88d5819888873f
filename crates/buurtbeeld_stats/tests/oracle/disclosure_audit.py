"""Oracle for the exact disclosure audit (buurtbeeld_stats::disclosure::recoverable).

A linked table is a list of cells over atoms, each cell the sum of a set of atoms.
Given which cells are shown, a suppressed cell k is recoverable when its 0/1
atom-indicator vector lies in the rational span of the shown cells' vectors,
that is when

    rank(shown rows + [e_k]) == rank(shown rows)

with sympy's exact rank over the rationals: DomainMatrix over QQ, checked
against Matrix.rank() on every case with at most 20 atoms (Matrix.rank() does
not reduce its integers and takes many minutes on the dense 40 x 40 case).  A cell without atoms is always
recoverable (its vector is zero), and so is a suppressed cell equal to a
shown one.

Cases (all deterministic):
- hand-made: the 2 x 2 table with margins under several patterns, a wijk with
  one buurt, a theme that is the union of two others, an empty cell, the
  non-negativity example of the module docs (linearly safe);
- matrices whose rank modulo a small prime (2, 3, 5, 7) is below the rank
  over Q (the script asserts it), so that an audit modulo that prime would
  answer wrongly;
- a dense pseudo-random 0/1 40 x 40 matrix (the LCG of the Rust unit test),
  whose exact elimination passes i128 and exercises the big-integer fallback;
- random tables from random.Random(20261201): arbitrary subsets, and small
  area x theme cubes like the property test's.

Writes crates/buurtbeeld_stats/tests/fixtures/disclosure_audit.json, one case
per line.  Run from the repository root:

    python3 -m venv /tmp/sympyvenv
    /tmp/sympyvenv/bin/pip install sympy==1.14.0
    /tmp/sympyvenv/bin/python crates/buurtbeeld_stats/tests/oracle/disclosure_audit.py
"""

import json
import os
import platform
import random
import sys

import sympy
from sympy import GF, QQ, Matrix
from sympy.polys.matrices import DomainMatrix

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
SEED = 20261201


def vector(cell, atom_count):
    v = [0] * atom_count
    for a in cell:
        v[a] = 1
    return v


def rank(rows, atom_count):
    """The exact rank over Q: sympy's DomainMatrix over QQ, and Matrix.rank() as well where
    that finishes in reasonable time (it does not reduce its integers: the dense 40 x 40
    case takes many minutes); the two must agree."""
    if not rows:
        return 0
    exact = DomainMatrix([[QQ(x) for x in r] for r in rows], (len(rows), atom_count), QQ).rank()
    if atom_count <= 20:
        assert Matrix(rows).rank() == exact
    return exact


def recoverable(atom_count, cells, shown):
    published = [vector(c, atom_count) for c, s in zip(cells, shown) if s]
    base = rank(published, atom_count)
    found = []
    for k, (cell, s) in enumerate(zip(cells, shown)):
        if not s and rank(published + [vector(cell, atom_count)], atom_count) == base:
            found.append(k)
    return base, found


def rank_mod(rows, p):
    return DomainMatrix([[GF(p)(x) for x in r] for r in rows], (len(rows), len(rows[0])), GF(p)).rank()


def case(name, atoms, cells, shown):
    cells = [sorted(set(c)) for c in cells]
    base, found = recoverable(len(atoms), cells, shown)
    return {
        "name": name,
        "atoms": atoms,
        "cells": cells,
        "shown": shown,
        "published_rank": base,
        "recoverable": found,
    }


def hand_cases():
    out = []
    # 2 x 2 with margins: atoms b*2 + c; inner cells, row totals, column totals, grand.
    two = [[0], [1], [2], [3], [0, 1], [2, 3], [0, 2], [1, 3], [0, 1, 2, 3]]
    patterns = {
        "two_by_two_one_inner": [0],
        "two_by_two_row_pair": [0, 1],
        "two_by_two_four_inner": [0, 1, 2, 3],
        "two_by_two_inner_and_columns": [0, 1, 6, 7],
        "two_by_two_three_inner": [0, 1, 2],
        "two_by_two_all_margins": [4, 5, 6, 7, 8],
    }
    for name, hidden in patterns.items():
        out.append(case(name, [2, 10, 12, 15], two,
                        [i not in hidden for i in range(len(two))]))
    # Gemeente, wijk 1 = {buurt 0}, wijk 2 = {buurt 1}, buurt 0, buurt 1.
    single = [[0, 1], [0], [1], [0], [1]]
    out.append(case("single_buurt_wijk_shown", [7, 2], single, [True, True, True, True, False]))
    out.append(case("single_buurt_wijk_both_hidden", [7, 2], single,
                    [True, True, False, True, False]))
    out.append(case("single_buurt_wijk_protected", [7, 2], single,
                    [True, False, False, False, False]))
    # Themes A = {c0}, B = {c1}, U = A u B over a wijk of buurten 0, 1 (atom b*2 + c).
    union = []
    for area in ([0, 1], [0], [1]):
        for theme in ([0], [1], [0, 1]):
            union.append([b * 2 + c for b in area for c in theme])
    out.append(case("union_theme_one_hidden", [2, 8, 9, 11], union,
                    [i != 3 for i in range(9)]))
    out.append(case("union_theme_hypercube", [2, 8, 9, 11], union,
                    [i not in (3, 4, 6, 7) for i in range(9)]))
    out.append(case("union_theme_union_hidden_too", [2, 8, 9, 11], union,
                    [i not in (3, 5) for i in range(9)]))
    out.append(case("empty_cell", [1, 2], [[0, 1], [], [0]], [True, False, False]))
    out.append(case("nothing_shown", [1, 2, 3], [[0], [1, 2], []], [False, False, False]))
    out.append(case("duplicate_cells", [4, 4, 4], [[0, 1], [1, 0], [2], [0, 1, 2]],
                    [False, True, False, True]))
    # The module docs' example: linearly R = c2 + c4 is not recoverable.
    out.append(case("non_negativity_example", [7, 0, 0, 3],
                    [[0, 1, 2], [0], [1, 3], [0, 3]], [True, True, False, True]))
    return out


def modular_cases():
    """Tables whose shown rows lose rank modulo p: a single-prime audit would err."""
    out = []
    # Odd cycle: {0,1}, {1,2}, {0,2} has determinant 2.
    rows = [[0, 1], [1, 2], [0, 2]]
    dense = [vector(c, 3) for c in rows]
    assert rank_mod(dense, 2) == 2 and Matrix(dense).rank() == 3
    out.append(case("odd_cycle_rank_drops_mod_2", [1, 1, 1], rows + [[0], [2], [0, 1, 2]],
                    [True, True, True, False, False, False]))
    out.append(case("odd_cycle_two_shown", [1, 1, 1], rows + [[0], [0, 1, 2]],
                    [True, True, False, False, False]))
    # J - I of order n (every atom but one) has determinant (-1)^(n-1) (n-1): prime for
    # n = 4, 6, 8, so the rank modulo n - 1 is n - 1, one less than over Q.
    for n in (4, 6, 8):
        p = n - 1
        cells = [[a for a in range(n) if a != r] for r in range(n)]
        dense = [vector(c, n) for c in cells]
        assert rank_mod(dense, p) == n - 1 and Matrix(dense).rank() == n
        extra = [[a] for a in range(n)] + [[0, 1]]
        out.append(case(f"all_but_one_{n}_rank_drops_mod_{p}", [1] * n, cells + extra,
                        [True] * n + [False] * (n + 1)))
        out.append(case(f"all_but_one_{n}_one_row_hidden", [1] * n, cells + extra,
                        [i != 0 for i in range(n)] + [False] * (n + 1)))
    return out


def dense_case():
    """The Rust unit test's matrix: row r, column c is the top bit of the LCG's next state."""
    n = 40
    state = 20261201
    cells = []
    for _ in range(n):
        cell = []
        for c in range(n):
            state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
            if state >> 63 == 1:
                cell.append(c)
        cells.append(cell)
    cells += [[0], [0, 1]]
    shown = [True] * len(cells)
    all_rows = [True] * n + [False, False]
    shown[0] = shown[n] = shown[n + 1] = False
    return [case("dense_40_big_integers", [1] * n, cells, shown),
            case("dense_40_all_rows_shown", [1] * n, cells, all_rows)]


def random_cases(rng):
    out = []
    for i in range(20):
        atom_count = rng.randint(1, 10)
        density = rng.choice([0.2, 0.4, 0.6])
        cells = [[a for a in range(atom_count) if rng.random() < density]
                 for _ in range(rng.randint(1, 14))]
        show = rng.choice([0.5, 0.7, 0.85])
        shown = [rng.random() < show for _ in cells]
        atoms = [rng.choice([0, 0, 1, 2, 3, 4, 7, 12]) for _ in range(atom_count)]
        out.append(case(f"random_subsets_{i}", atoms, cells, shown))
    for i in range(14):
        wijken = [rng.randint(1, 4) for _ in range(rng.randint(1, 3))]
        categories = rng.randint(1, 4)
        themes = [list(range(categories))]
        for _ in range(rng.randint(0, 3)):
            theme = [c for c in range(categories) if rng.random() < 0.5]
            if theme:
                themes.append(theme)
        if len(themes) >= 3 and rng.random() < 0.5:
            themes.append(sorted(set(themes[1]) | set(themes[2])))
        buurten = sum(wijken)
        areas = [list(range(buurten))]
        first = 0
        for size in wijken:
            areas.append(list(range(first, first + size)))
            first += size
        areas += [[b] for b in range(buurten)]
        cells = [[b * categories + c for b in area for c in theme]
                 for area in areas for theme in themes]
        shown = [rng.random() < 0.75 for _ in cells]
        atoms = [rng.choice([0, 0, 1, 2, 3, 4, 7, 12]) for _ in range(buurten * categories)]
        out.append(case(f"random_cube_{i}", atoms, cells, shown))
    return out


def main():
    rng = random.Random(SEED)
    cases = hand_cases() + modular_cases() + dense_case() + random_cases(rng)
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names))
    header = {
        "generated_by": "crates/buurtbeeld_stats/tests/oracle/disclosure_audit.py",
        "python": platform.python_version(),
        "sympy": sympy.__version__,
    }
    path = os.path.join(FIXTURES, "disclosure_audit.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write("{\n")
        for key, value in header.items():
            f.write(f"  {json.dumps(key)}: {json.dumps(value)},\n")
        f.write('  "cases": [\n')
        f.write(",\n".join("    " + json.dumps(c) for c in cases))
        f.write("\n  ]\n}\n")
    recovered = sum(len(c["recoverable"]) for c in cases)
    hidden = sum(c["shown"].count(False) for c in cases)
    print(f"{len(cases)} cases, {recovered} of {hidden} suppressed cells recoverable",
          file=sys.stderr)


if __name__ == "__main__":
    main()

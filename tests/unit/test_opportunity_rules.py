"""Whether a passport meets an opportunity, and which counts a report may publish."""

from engine.opportunities import Gap, gaps, meets, qualifies
from engine.small_numbers import ALSO_HIDDEN, HIDDEN, shown, suppress


def test_a_higher_valid_level_meets_a_lower_one_and_no_level_meets_nothing():
    assert meets("bronze", "gold") and meets("silver", "silver")
    assert not meets("silver", "bronze") and not meets("bronze", None)


def test_gaps_name_each_topic_short_of_its_level_with_the_best_level_held():
    required = {"passwords": "silver", "online-banking": "bronze", "email": "gold"}
    best = {"passwords": "bronze", "online-banking": "gold"}
    assert gaps(required, best) == (Gap("passwords", "silver", "bronze"), Gap("email", "gold", None))
    assert not qualifies(required, best)
    assert qualifies({"passwords": "bronze"}, best)


def test_counts_from_one_to_four_are_shown_as_fewer_than_five_and_others_as_they_are():
    assert [shown(n) for n in (0, 1, 4, 5, 12)] == [0, HIDDEN, HIDDEN, 5, 12]


def test_a_lone_hidden_count_hides_the_next_smallest_so_it_cannot_be_worked_out_from_a_total():
    assert suppress({"May": 3, "June": 7, "July": 20}) == {"May": HIDDEN, "June": ALSO_HIDDEN, "July": 20}
    assert suppress({"May": 3, "June": 2, "July": 20}) == {"May": HIDDEN, "June": HIDDEN, "July": 20}
    assert suppress({"May": 0, "June": 9}) == {"May": 0, "June": 9}

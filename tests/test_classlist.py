"""The class list (autograder/classlist.py): read as nbgrader reads it, with clear errors."""

import pytest

from autograder import classlist


def write(tmp_path, text):
    path = tmp_path / "students.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_every_column_and_finds_students_by_their_lms_number(tmp_path):
    path = write(tmp_path, "\ufeffid,first_name,last_name,lms_user_id,section,comment\n"
                           "ada,Ada,Lovelace,101,A,first\n\nbob,,,102,B,\n")
    students = classlist.load(path)
    assert list(students) == ["ada", "bob"]
    assert students["ada"].sortable_name == "Lovelace, Ada" and students["bob"].sortable_name == "bob"
    assert students.by_lms_user_id(" 102 ").id == "bob" and students.by_lms_user_id("999") is None


@pytest.mark.parametrize("text, words", [
    ("name\nada\n", "header with an `id` column"),
    ("id,email\nada,a@x\n,b@x\n", "line 3: the id is empty"),
    ("id\nada\nbob\nada\n", "line 4: the id 'ada' is already on line 2"),
])
def test_a_broken_class_list_is_named_with_its_line(tmp_path, text, words):
    with pytest.raises(classlist.ClassListError, match="students.csv.*" + words.split(":")[0]) as err:
        classlist.load(write(tmp_path, text))
    assert words in str(err.value)


def test_no_class_list_means_none_and_a_missing_named_one_says_what_to_write(tmp_path):
    assert classlist.load_if_present(tmp_path) is None
    with pytest.raises(classlist.ClassListError, match="no such file.*only id is required"):
        classlist.load(tmp_path / "nope.csv")

"""Conversation states of the staff's tools (kept in the database, so a restart does not lose
a manager's place). The customers' are in storefront/states.py."""

from aiogram.fsm.state import State, StatesGroup


class AddProduct(StatesGroup):
    photo = State()
    name_vi = State()
    name_en = State()
    price = State()
    unit_vi = State()
    unit_en = State()
    stock = State()
    ocop_stars = State()
    ocop_granted = State()
    category = State()
    producer = State()
    confirm = State()

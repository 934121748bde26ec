"""Conversation states (kept in the database, so a restart does not lose a customer's place)."""

from aiogram.fsm.state import State, StatesGroup


class Search(StatesGroup):
    query = State()


class Checkout(StatesGroup):
    saved = State()
    name = State()
    phone = State()
    province = State()
    ward = State()
    street = State()
    note = State()
    payment = State()
    review = State()


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

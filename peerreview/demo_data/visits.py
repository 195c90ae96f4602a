"""Words for the demo's pupil learning visits: a finished visit to the demo head's school with
feedback from a dozen children, and one coming up. Written for this project; every child is
fictional and known only by a first name and year group, as the platform stores them."""

# (first name, year group, index of the visiting school)
FINISHED_PUPILS = [
    ("Amelia", 4, 0), ("Noah", 5, 0), ("Isla", 4, 0), ("Leo", 6, 0), ("Freya", 5, 0), ("Oscar", 3, 0),
    ("Ava", 5, 1), ("Harry", 4, 1), ("Mia", 6, 1), ("Jacob", 3, 1), ("Sienna", 5, 1), ("Theo", 4, 1),
]

# (faces for the three prompts, star 1, star 2, wish, would you like this at your school)
FINISHED_FEEDBACK = [
    (("happy", "happy", "happy"), "The reading corner had cushions and fairy lights",
     "There were books about dinosaurs", "I wish there were more comics", "yes"),
    (("happy", "ok", "happy"), "The children told us about their favourite authors",
     "The class library had labels for every kind of book", "I wish the books were easier to reach", "yes"),
    (("happy", "happy", "ok"), "I liked the reading tent in Year 2", "Everyone was quiet and reading",
     "I wish there was a reading area outside", "yes"),
    (("ok", "ok", "happy"), "The book reviews on the wall were good", "They have a reading dog on Fridays",
     "More chairs please because some people sat on the floor", "maybe"),
    (("happy", "happy", "happy"), "The library was big and colourful", "You can take two books home",
     "I wish we had this at our school", "yes"),
    (("happy", "sad", "happy"), "The reading buddies from Year 6 help the little ones",
     "The sofa in the library", "It was hard to find chapter books because they were mixed up", "yes"),
    (("happy", "happy", "happy"), "They had books in Welsh and Polish", "The teacher read to us with funny voices",
     "I wish reading time was longer", "yes"),
    (("ok", "happy", "ok"), "The posters about reading were nice", "The books were new",
     "Some books were ripped so maybe get new ones", "maybe"),
    (("happy", "happy", "happy"), "The reading corner looked like a castle", "There was a comfy beanbag",
     "I wish every class had a castle", "yes"),
    (("happy", "ok", "happy"), "Children could choose their own books", "The library had a quiz board",
     "The labels could be bigger for younger children", "yes"),
    (("happy", "happy", "ok"), "The school has a book vending machine", "Children were proud of their reading",
     "A bit noisy near the hall", "yes"),
    (("sad", "ok", "ok"), "I liked the story sacks", "The reading records had stickers",
     "I wish the reading area was not next to the toilets", "no"),
]

# (host pupil's year group, question the visiting child asked, what they were told)
FINISHED_INTERVIEWS = [
    (2, "What is your favourite place to read?", "The tent because it is cosy and quiet."),
    (5, "Do you like reading at school?", "Yes, we get to choose our books and the teacher reads every day."),
    (4, "How do you find a book you like?", "I look at the covers or ask the librarian on Tuesday."),
    (6, "What would make reading better?", "More graphic novels and longer reading time after lunch."),
]

FINISHED_THANK_YOU = (
    "Thank you to every child who visited us. Your ideas were thoughtful and kind. We have "
    "already moved the chapter books so they are easier to find, and the Year 6 reading "
    "buddies are planning a reading area outside for the summer term."
)

# (first name, year group, index of the visiting school)
UPCOMING_PUPILS = [
    ("Ruby", 5, 0), ("Alfie", 6, 0), ("Grace", 5, 0), ("Ollie", 4, 0),
    ("Lily", 6, 1), ("Arthur", 5, 1), ("Poppy", 4, 1), ("Jack", 6, 1),
]

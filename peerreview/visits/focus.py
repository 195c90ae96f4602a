"""The bank of common visit focuses a host head can start from, each with suggested prompts
in words a seven-year-old can read (the head can change them, or write a focus of their own).
Welsh wording is ours."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prompt:
    en: str
    cy: str


@dataclass(frozen=True)
class Focus:
    key: str
    en: str
    cy: str
    prompts: tuple[Prompt, ...]


FOCUS_BANK: tuple[Focus, ...] = (
    Focus("reading_areas", "Our reading areas", "Ein hardaloedd darllen", (
        Prompt("What did you see that helps children enjoy reading?",
               "Beth welaist ti sy'n helpu plant i fwynhau darllen?"),
        Prompt("How easy is it to find a book you want to read?",
               "Pa mor hawdd yw hi i ddod o hyd i lyfr rwyt ti eisiau ei ddarllen?"),
        Prompt("Would you like to sit and read here?", "Hoffet ti eistedd a darllen yma?"),
    )),
    Focus("maths_walk", "A maths learning walk", "Taith ddysgu mathemateg", (
        Prompt("What helps children learn maths in these classrooms?",
               "Beth sy'n helpu plant i ddysgu mathemateg yn y dosbarthiadau hyn?"),
        Prompt("How do children get help when maths is tricky?",
               "Sut mae plant yn cael help pan fydd mathemateg yn anodd?"),
        Prompt("Did the children look like they enjoyed maths?", "Oedd y plant yn edrych fel eu bod yn mwynhau mathemateg?"),
    )),
    Focus("playtimes", "Playtimes and behaviour", "Amser chwarae ac ymddygiad", (
        Prompt("Is the playground a happy place to play?", "Ydy'r iard yn lle hapus i chwarae?"),
        Prompt("Do children play kindly together?", "Ydy plant yn chwarae'n garedig gyda'i gilydd?"),
        Prompt("Is there something for everyone to do at playtime?",
               "Oes rhywbeth i bawb ei wneud amser chwarae?"),
    )),
    Focus("the_world", "Learning about the world", "Dysgu am y byd", (
        Prompt("What did you see that shows children learn about other places?",
               "Beth welaist ti sy'n dangos bod plant yn dysgu am leoedd eraill?"),
        Prompt("What did children tell you about people and places?",
               "Beth ddywedodd y plant wrthot ti am bobl a lleoedd?"),
        Prompt("Would this help you learn about the world?", "Fyddai hyn yn dy helpu i ddysgu am y byd?"),
    )),
    Focus("library", "The library", "Y llyfrgell", (
        Prompt("Is the library a nice place to be?", "Ydy'r llyfrgell yn lle braf i fod?"),
        Prompt("Are there books for everyone?", "Oes llyfrau i bawb?"),
        Prompt("Do children know how to find a book?", "Ydy plant yn gwybod sut i ddod o hyd i lyfr?"),
    )),
    Focus("outdoor_learning", "Outdoor learning", "Dysgu yn yr awyr agored", (
        Prompt("What can children learn outside at this school?",
               "Beth all plant ei ddysgu y tu allan yn yr ysgol hon?"),
        Prompt("Is it safe and fun to learn outside here?", "Ydy hi'n ddiogel ac yn hwyl dysgu y tu allan yma?"),
        Prompt("What would you add to the outdoor area?", "Beth fyddet ti'n ei ychwanegu at yr ardal y tu allan?"),
    )),
    Focus("classroom_displays", "Classroom displays", "Arddangosfeydd yn y dosbarth", (
        Prompt("Do the walls help children learn?", "Ydy'r waliau'n helpu plant i ddysgu?"),
        Prompt("Can you see children's own work on the walls?", "Wyt ti'n gallu gweld gwaith y plant ar y waliau?"),
        Prompt("What was the best display you saw?", "Beth oedd yr arddangosfa orau welaist ti?"),
    )),
    Focus("lunchtimes", "Lunchtimes", "Amser cinio", (
        Prompt("Is the dining hall a happy place to eat?", "Ydy'r neuadd fwyta yn lle hapus i fwyta?"),
        Prompt("Do children have enough time to eat and play?", "Oes gan blant ddigon o amser i fwyta a chwarae?"),
        Prompt("Do the grown-ups help children at lunchtime?", "Ydy'r oedolion yn helpu plant amser cinio?"),
    )),
)

BY_KEY = {focus.key: focus for focus in FOCUS_BANK}

"""English: words beyond the older tables in ``words``, ``style_words`` and ``id_words``."""

from core.intent.lang import Lexicon

LEXICON = Lexicon(
    code="en",
    styles={
        "avatar_3d": ("pixar style 3d avatar", "pixar avatar"),
        "vintage": ("yearbook photo", "90s yearbook", "yearbook"),
        "oil_painting": ("oil portrait",),
    },
    specs={
        "uk": ("uk", "united kingdom", "britain", "british", "england", "english passport"),
        "au": ("australia", "australian", "aussie"),
        "nz": ("new zealand", "kiwi passport"),
        "de": ("german passport", "german id", "german passport picture", "germany"),
        "fr": ("french passport", "french id"), "it": ("italian passport",),
        "es": ("spanish passport", "spanish dni", "dni"), "br": ("brazil", "brazilian"),
        "ru": ("russia", "russian"), "mx": ("mexico", "mexican"),
        "hk": ("hong kong", "hksar"), "tw": ("taiwan", "taiwanese"),
        "jp_passport": ("japanese passport",),
    },
    cancel=("cancel that", "stop that", "forget about it", "scratch that", "call it off"),
    questions=(
        "what can this bot do", "what can you do", "what kinda stuff", "what kind of stuff",
        "what can you make", "what do you do", "how does this work", "how do i use",
        "how much does", "how much is", "do you store", "is my photo stored",
        "are my photos stored", "do you keep my", "do you save my", "stored on your servers",
        "what happens to my photo", "is it free", "who are you", "what are you",
    ),
    requests=("can i get", "can i have", "could i get", "could i have", "may i have", "i d like",
              "i would like", "gimme"),
    greetings=("good morning", "good evening", "good night", "good afternoon", "hiya", "howdy"),
    thanks=("thanks so much", "thank you so much", "love it", "these look great",
            "looks great", "awesome thanks", "perfect thanks"),
    negations=("i don t want a", "i do not want a", "forget the", "never mind the", "nevermind the",
               "drop the", "not the", "no more"),
    negation_ends=("i want", "i d like", "want", "instead"),
    instead=("instead", "rather"),
    fillers=(
        "if it s not too much trouble", "if it is not too much trouble", "if you don t mind",
        "if you can", "if possible", "could you", "can you", "would you", "would you mind",
        "please", "pls", "thank you", "thanks", "kindly", "long story but", "long story short",
        "by the way", "btw", "now", "love it",
    ),
    become=(r"\bme as (?:an? )?(?P<x>.+)",),
    again=("one more time", "same again"),
    higher_quality=("in hd", "more detailed"),
    stop=("stop cancel that", "stop, cancel that", "cancel please", "please cancel", "forget it"),
)

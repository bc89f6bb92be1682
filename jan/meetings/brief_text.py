"""The boardroom brief's own words, in English and Dutch (meetings/brief.py)."""

T = {
    "en": {
        "title": "Boardroom brief", "prepared": "Prepared {date} with Jan in the room. Quotations marked "
        "“our summary” come from our built-in cards, which summarise their (often Dutch) sources in our own "
        "English words; the others are the words of documents the team added. Each was checked word for word "
        "against the card or document it cites.", "proposal": "The proposal",
        "say": "What our customers would say", "cols": ("Personas", "Verdict", "Why"),
        "case": "The case for and against", "case_cols": ("Side", "Point", "Quoted", "Source"),
        "summary": "our summary",
        "for": "For", "against": "Against", "goal": "The goal", "myths": "Myths this proposal rests on",
        "no_myth": "This proposal does not rest on any of the customer-experience myths the research names.", "instead": "what the research says instead",
        "counters": "Likely counter-arguments and rebuttals", "board": "Board", "rebuttal": "Rebuttal",
        "questions": "Questions to ask before deciding", "appendix": "Appendix: sources",
        "hope": "Why the proposers want it: {motive}.",
        "hope_unsaid": "The proposal does not say what it should achieve; ask the proposers which result they "
                       "expect and how they will measure it.",
        "no_for": "No evidence for it was found in the corpus; ask the proposers for the figures behind it.",
        "but": "but",
        "point_to": ("{who} points to", "{who} point to"), "and": "and", "card": "card",
        "c_anecdote": "“This is one anecdote; our customers are different.”",
        "r_anecdote": "It is not the only source: {who_points}{source}: “{quote}”. Ask for our own customer "
                      "data before deciding.",
        "r_anecdote_none": "No second source answers it in the evidence here; ask for our own customer data "
                           "(contacts, complaints) before deciding.",
        "c_hope": "“{proposal}” is worth it for what it saves.",
        "c_motive": "“It is worth it: we do it {motive}.”",
        "r_goal": "{point}. {source}: “{quote}”", "r_source": "{source} says otherwise: “{quote}”",
        "r_none": "No evidence here answers it; ask the proposers for the figures behind it.",
        "q_practice": "Which of our customers would “{practice}” affect, and have we asked them?",
        "q_undone": "Which of our customers value “{practice}”, and have we asked them what losing it would mean?",
        "q_measure": "What result do we expect from this proposal, and how will we measure it before rolling it out?",
        "q_myth": "Are we assuming that “{myth}”? What do our own figures say?",
        "none": "–",
        "contacts": "What our own customers contact us about",
        "contacts_note": "Counted from the team's own contact data: {total} contacts {period}, every one "
                         "counted (not a sample).",
    },
    "nl": {
        "title": "Notitie voor de directie", "prepared": "Opgesteld op {date} met Jan in the room. Citaten met “onze "
        "samenvatting” komen uit onze ingebouwde kaarten, die hun bron in eigen woorden samenvatten (in het "
        "Engels, met een korte Nederlandse samenvatting); de andere zijn de woorden van documenten die het team "
        "toevoegde. Elk citaat is woord voor woord gecontroleerd tegen de kaart of het document dat het noemt.", "proposal": "Het voorstel",
        "say": "Wat onze klanten zouden zeggen", "cols": ("Persona's", "Oordeel", "Waarom"),
        "case": "Wat voor en wat tegen het voorstel pleit", "case_cols": ("Kant", "Punt", "Citaat", "Bron"),
        "summary": "onze samenvatting",
        "for": "Voor", "against": "Tegen", "goal": "Het doel", "myths": "Mythes waar dit voorstel op rust",
        "no_myth": "Dit voorstel rust niet op een van de klantbelevingsmythes die het onderzoek noemt.", "instead": "wat het onderzoek in plaats daarvan zegt",
        "counters": "Te verwachten tegenwerpingen en het antwoord daarop", "board": "Directie", "rebuttal": "Antwoord",
        "questions": "Vragen om te stellen voordat we besluiten", "appendix": "Bijlage: bronnen",
        "hope": "Waarom de indieners het willen: {motive}.",
        "hope_unsaid": "Het voorstel zegt niet wat het moet opleveren; vraag de indieners welk resultaat ze "
                       "verwachten en hoe ze dat meten.",
        "no_for": "In het corpus is er geen bewijs voor gevonden; vraag de indieners naar de cijfers erachter.",
        "but": "maar",
        "point_to": ("{who} wijst op", "{who} wijzen op"), "and": "en", "card": "kaart",
        "c_anecdote": "“Dit is één anekdote; onze klanten zijn anders.”",
        "r_anecdote": "Het is niet de enige bron: {who_points}{source}: “{quote}”. Vraag eerst onze eigen "
                      "klantgegevens op voordat we besluiten.",
        "r_anecdote_none": "Geen tweede bron hier beantwoordt dit; vraag eerst onze eigen klantgegevens op "
                           "(contacten, klachten) voordat we besluiten.",
        "c_hope": "“{proposal}” is het waard om wat het bespaart.",
        "c_motive": "“Het is het waard: we doen het {motive}.”",
        "r_goal": "{point}. {source}: “{quote}”", "r_source": "{source} zegt iets anders: “{quote}”",
        "r_none": "Geen bewijs hier beantwoordt dit; vraag de indieners naar de cijfers erachter.",
        "q_practice": "Welke klanten raakt “{practice}”, en hebben we het hun gevraagd?",
        "q_undone": "Welke klanten hechten aan “{practice}”, en hebben we gevraagd wat het hun kost als het verdwijnt?",
        "q_measure": "Welk resultaat verwachten we van dit voorstel, en hoe meten we dat voordat we het invoeren?",
        "q_myth": "Gaan we ervan uit dat “{myth}”? Wat zeggen onze eigen cijfers?",
        "none": "–",
        "contacts": "Waarover onze eigen klanten contact opnemen",
        "contacts_note": "Geteld uit de eigen contactgegevens van het team: {total} contacten {period}, "
                         "allemaal geteld (geen steekproef).",
    },
}


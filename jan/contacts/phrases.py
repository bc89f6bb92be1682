"""Invented contact texts, Dutch and English, written for this project (no real customer wrote them): what a
helpdesk agent or a customer might type for each contact reason. Used by `generate` for test exports and
the example export in corpus/."""

from __future__ import annotations

# reason -> (Dutch category name, English category name, Dutch texts, English texts)
REASONS: dict[str, tuple[str, str, list[str], list[str]]] = {
    "outage": ("Storing", "Outage", [
        "Internet ligt er sinds vanochtend helemaal uit, router knippert oranje",
        "Al twee dagen storing op tv en internet in de hele straat",
        "Verbinding valt elke avond weg rond acht uur",
        "Geen internet meer na het onweer, modem opnieuw opgestart zonder resultaat",
        "Storing bij ons in de wijk, wanneer is het opgelost?",
        "Wifi doet het niet, lampje op het kastje brandt rood",
    ], [
        "Internet has been down since this morning, the router light is blinking orange",
        "Outage on tv and internet for two days now in our whole street",
        "Connection drops every evening around eight",
        "No internet after the thunderstorm, restarted the modem but nothing helps",
        "There is an outage in our area, when will it be fixed?",
        "Wifi is not working, the light on the box is red",
    ]),
    "invoice": ("Factuur", "Invoice", [
        "Factuur van deze maand is veel hoger dan normaal",
        "Er is twee keer afgeschreven voor hetzelfde abonnement",
        "Ik begrijp de kosten op mijn rekening niet",
        "Waarom staat er een eenmalig bedrag op mijn factuur?",
        "Factuur komt niet meer per mail, graag opnieuw sturen",
    ], [
        "This month's bill is much higher than usual",
        "I was charged twice for the same subscription",
        "I do not understand the costs on my invoice",
        "Why is there a one-off charge on my bill?",
        "I no longer receive the invoice by email, please send it again",
    ]),
    "price": ("Prijsverhoging", "Price increase", [
        "Abonnement wordt alweer duurder, dat vind ik niet redelijk",
        "Brief ontvangen over een prijsverhoging, mag ik dan kosteloos opzeggen?",
        "Nieuwe klanten krijgen korting en ik betaal de volle prijs",
    ], [
        "My subscription is getting more expensive again, that is not fair",
        "Got a letter about a price increase, can I cancel for free now?",
        "New customers get a discount while I pay full price",
    ]),
    "move": ("Verhuizing", "Moving house", [
        "Wij verhuizen volgende maand, hoe neem ik internet mee naar het nieuwe adres?",
        "Verhuizing doorgegeven maar de aansluiting op het nieuwe adres werkt nog niet",
        "Adreswijziging is niet verwerkt, post gaat nog naar het oude adres",
    ], [
        "We are moving next month, how do I take my internet to the new address?",
        "Reported our move but the connection at the new address is still not working",
        "Change of address was not processed, mail still goes to the old address",
    ]),
    "cancel": ("Opzeggen", "Cancellation", [
        "Ik wil mijn abonnement opzeggen, waar kan dat?",
        "Opzegging bevestigd maar er wordt nog steeds afgeschreven",
        "Contract van mijn overleden vader opzeggen, wat heeft u nodig?",
    ], [
        "I want to cancel my subscription, where can I do that?",
        "Cancellation was confirmed but I am still being charged",
        "Cancelling the contract of my late father, what do you need from me?",
    ]),
    "technician": ("Monteur", "Technician", [
        "Monteur is niet op de afspraak verschenen, hele dag vrij genomen",
        "Wanneer komt de monteur om de aansluiting te installeren?",
        "Afspraak met monteur verzetten naar volgende week",
    ], [
        "The technician did not show up for the appointment, I took the whole day off",
        "When will the engineer come to install the connection?",
        "Please move the technician appointment to next week",
    ]),
    "website": ("Website en inloggen", "Website and login", [
        "Kan niet inloggen op mijn account, wachtwoord vergeten werkt niet",
        "Op de website kan ik het telefoonnummer van de klantenservice niet vinden",
        "De app geeft een foutmelding bij het inloggen",
        "Website laadt niet bij het afsluiten van een nieuw abonnement",
    ], [
        "Cannot log in to my account, the forgot-password link does not work",
        "I cannot find the customer service phone number on the website",
        "The app shows an error when I try to log in",
        "The website does not load when I try to sign up for a new plan",
    ]),
    "waiting": ("Wachttijd", "Waiting time", [
        "Al drie keer gebeld en steeds meer dan een half uur in de wacht",
        "Beloofd te worden teruggebeld maar niemand heeft gebeld",
        "Chat zegt dat er iemand komt maar na een uur nog niets",
    ], [
        "Called three times and was on hold for more than half an hour each time",
        "I was promised a callback but nobody called",
        "The chat says someone will join but after an hour still nothing",
    ]),
    "mobile": ("Mobiel bereik", "Mobile coverage", [
        "Slecht bereik in huis, gesprekken vallen steeds weg",
        "Mobiele data werkt niet meer sinds de nieuwe simkaart",
        "Bundel is op terwijl ik bijna niets gebruikt heb",
    ], [
        "Poor coverage at home, calls keep dropping",
        "Mobile data stopped working since the new sim card",
        "My data bundle ran out although I hardly used anything",
    ]),
    "tv": ("Televisie", "Television", [
        "Een aantal zenders is verdwenen uit het pakket",
        "Beeld hapert en decoder start steeds opnieuw op",
        "Hoe kan ik het sportpakket erbij nemen?",
    ], [
        "Several channels have disappeared from the package",
        "The picture freezes and the decoder keeps restarting",
        "How do I add the sports package?",
    ]),
}

OPENERS = {"nl": ["", "", "", "Goedemiddag, ", "Hallo, ", "Klant meldt: ", "Beste, "],
           "en": ["", "", "", "Hi, ", "Hello, ", "Customer reports: ", "Dear team, "]}
CLOSERS = {"nl": ["", "", "", " Graag snel reactie.", " Alvast bedankt.", " Klant is boos.", " Tweede melding."],
           "en": ["", "", "", " Please respond soon.", " Thanks in advance.", " Customer is upset.",
                  " Second report."]}

# how often each reason comes up in the invented data (outages lead, as in the story the issue tells)
WEIGHTS = {"outage": 30, "invoice": 18, "price": 7, "move": 8, "cancel": 7, "technician": 8, "website": 6,
           "waiting": 7, "mobile": 5, "tv": 4}
CHANNELS = {"nl": {"phone": "Telefoon", "chat": "Chat", "email": "E-mail", "webform": "Webformulier",
                   "social": "Social media", "store": "Winkel"},
            "en": {"phone": "Phone", "chat": "Chat", "email": "Email", "webform": "Web form",
                   "social": "Social media", "store": "Shop"}}
CHANNEL_WEIGHTS = {"phone": 42, "chat": 20, "email": 18, "webform": 10, "social": 6, "store": 4}
SEGMENTS = {"nl": ["Particulier", "Zakelijk"], "en": ["Consumer", "Business"]}

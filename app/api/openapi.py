"""The API's OpenAPI 3.1 description, served at /api/v1/openapi.json."""

from __future__ import annotations


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _json(_ref("Error"), "An error, said plainly")
# Any status not listed for an operation (400, 405, 413, 429, 503...) is answered the same way.
ANY_ERROR = _json(_ref("Error"), "Any other error, said plainly: nothing was recorded. A 503 (the database "
                                 "cannot be reached for a moment) comes with Retry-After.")
BEARER = [{"learnerToken": []}]


def openapi_document() -> dict:
    """Return the OpenAPI document."""
    step_response = _json({"type": "object", "required": ["next"], "properties": {"next": _ref("Step")}},
                          "The next step")
    document = _document(step_response)
    for item in document["paths"].values():
        for operation in item.values():
            operation["responses"].setdefault("default", ANY_ERROR)
    return document


def _document(step_response: dict) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Skills Passport API",
            "version": "1",
            "description": "Act as a learner: start a guest, get the next step the adaptive engine chooses, "
                           "answer questions, and read the learner's level in each skill.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/learners": {"post": {
                "summary": "Start a guest learner",
                "description": "Returns a bearer token for the new learner. It is shown only once.",
                "responses": {"201": _json({"type": "object", "required": ["learner", "token"], "properties": {
                    "learner": {"type": "object", "properties": {"id": {"type": "integer"}}},
                    "token": {"type": "string"}}}, "The new learner and their token")},
            }},
            "/modules": {"get": {
                "summary": "List the modules and their skills",
                "responses": {"200": _json({"type": "object", "properties": {
                    "modules": {"type": "array", "items": _ref("Module")}}}, "The modules")},
            }},
            "/modules/{module_id}/next": {"get": {
                "summary": "Get the learner's next step in a module",
                "security": BEARER,
                "parameters": [{"name": "module_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": step_response, "401": ERROR, "404": ERROR},
            }},
            "/lessons/{lesson_id}/read": {"post": {
                "summary": "Record that the learner read a lesson",
                "security": BEARER,
                "parameters": [{"name": "lesson_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": step_response, "401": ERROR, "404": ERROR},
            }},
            "/modules/{module_id}/help/{skill_id}": {"post": {
                "summary": "Say the learner has seen a 'talk to a tutor' step for a skill, and carry on",
                "description": "The web page's 'Carry on' button on a help step. The skill then waits for a "
                               "tutor instead of coming back as the next step; returns the next step.",
                "security": BEARER,
                "parameters": [{"name": "module_id", "in": "path", "required": True, "schema": {"type": "string"}},
                               {"name": "skill_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": step_response, "401": ERROR, "404": ERROR},
            }},
            "/questions/{question_id}/answers": {"post": {
                "summary": "Answer a question",
                "description": "Single choice and true-false: {\"choice\": key}. Multiple: {\"choices\": [keys]}. "
                               "Typed: {\"typed\": text}. Ordering: {\"order\": [keys in order]}. "
                               "Optional \"hints_used\": how many hints the learner saw; \"helped\": true when "
                               "someone helped (the answer then counts for no badge). "
                               "{\"dont_know\": true} is the page's \"I don't know yet\": it is recorded as a wrong "
                               "answer that shows no mix-up (on a skill due for review it fails the review at once, with no "
                               "second question), and comes back with no right answers or feedback.",
                "security": BEARER,
                "parameters": [{"name": "question_id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Answer")}}},
                "responses": {"201": _json(_ref("Marking"), "The answer was recorded"), "400": ERROR,
                              "401": ERROR, "404": ERROR,
                              "422": _json(_ref("Error"), "The answer cannot be marked: nothing was recorded")},
            }},
            "/me/reviews": {"get": {
                "summary": "Get the quick reviews due now across every topic",
                "description": "Skills mastered a while ago come back for a quick question when their spaced "
                               "review falls due, in every topic, finished ones included: a few at a time, the "
                               "most faded first, mixed across topics. Answer each as any question. An empty "
                               "list: nothing is due.",
                "security": BEARER,
                "responses": {"200": _json({"type": "object", "properties": {
                    "reviews": {"type": "array", "items": _ref("Step")}}}, "The reviews due"), "401": ERROR},
            }},
            "/me/next": {"get": {
                "summary": "Get the learner's next step in the whole course",
                "description": "A quick review due anywhere comes first; then the next step in the topic the "
                               "learner last worked on; then the first topic not finished. A `done` step (its "
                               "`module` null) means every topic is worked through and nothing is due.",
                "security": BEARER,
                "responses": {"200": step_response, "401": ERROR},
            }},
            "/me/skills": {"get": {
                "summary": "Read the learner's level in every skill",
                "security": BEARER,
                "responses": {"200": _json({"type": "object", "properties": {
                    "skills": {"type": "array", "items": _ref("SkillLevel")}}}, "Every skill"), "401": ERROR},
            }},
            "/me/badges": {"get": {
                "summary": "Read the learner's passport: each module's level, badges and next move",
                "security": BEARER,
                "responses": {"200": _json({"type": "object", "properties": {
                    "modules": {"type": "array", "items": _ref("PassportModule")}}}, "Every module"),
                    "401": ERROR},
            }},
            "/me/tokens": {"get": {
                "summary": "List the learner's tokens in force: one for each app started as them",
                "security": BEARER,
                "responses": {"200": _json({"type": "object", "properties": {
                    "tokens": {"type": "array", "items": _ref("Token")}}}, "Every token in force"), "401": ERROR},
            }},
            "/me/token": {"delete": {
                "summary": "End the token this request used (the app signs out)",
                "security": BEARER,
                "responses": {"200": _json({"type": "object", "properties": {"ended": {"type": "object", "properties": {
                    "id": {"type": "integer"}}}}}, "Ended: the token no longer works"), "401": ERROR},
            }},
            "/me/tokens/{token_id}": {"delete": {
                "summary": "End another of the learner's tokens, such as an app on a lost phone",
                "security": BEARER,
                "parameters": [{"name": "token_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": _json({"type": "object", "properties": {"ended": {"type": "object", "properties": {
                    "id": {"type": "integer"}}}}}, "Ended: that token no longer works"), "401": ERROR,
                              "404": ERROR},
            }},
            "/openapi.json": {"get": {"summary": "This document",
                                      "responses": {"200": {"description": "The OpenAPI document"}}}},
        },
        "components": {
            "securitySchemes": {"learnerToken": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
                "Module": {"type": "object", "properties": {
                    "id": {"type": "string"}, "title": {"type": "string"}, "summary": {"type": "string"},
                    "minutes": {"type": "integer"},
                    "skills": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "string"}, "title": {"type": "string"}}}}}},
                "Question": {"type": "object", "properties": {
                    "id": {"type": "string"},
                    "kind": {"enum": ["single", "multiple", "true-false", "typed", "ordering"]},
                    "skill": {"type": "string"}, "module": {"type": "string"}, "prompt_html": {"type": "string"},
                    "options": {"type": "array", "items": {"type": "object", "properties": {
                        "key": {"type": "string"}, "text": {"type": "string"}}}},
                    "hints": {"type": "integer"}}},
                "Step": {"type": "object", "required": ["kind", "module", "reason"], "properties": {
                    "kind": {"enum": ["lesson", "question", "help", "done"]},
                    "module": {"type": ["string", "null"], "description": "null only on the course-wide done step"},
                    "reason": {"type": "string"},
                    "purpose": {"enum": ["learn", "placement", "practice", "review", "remedy", "stuck", "done"]},
                    "skill": {"type": ["string", "null"]},
                    "lesson": {"type": "object", "properties": {
                        "id": {"type": "string"}, "title": {"type": "string"}, "minutes": {"type": "integer"},
                        "body_html": {"type": "string"}}},
                    "question": _ref("Question")}},
                "Answer": {"type": "object", "properties": {
                    "choice": {"type": "string"}, "choices": {"type": "array", "items": {"type": "string"}},
                    "typed": {"type": "string", "maxLength": 200},
                    "order": {"type": "array", "items": {"type": "string"}},
                    "hints_used": {"type": "integer", "minimum": 0}, "helped": {"type": "boolean"},
                    "dont_know": {"type": "boolean", "description": "The learner does not know yet: any answer "
                                                                    "sent with it is not read"}}},
                "Marking": {"type": "object", "required": ["answer_id", "correct", "next"], "properties": {
                    "answer_id": {"type": "integer"}, "correct": {"type": "boolean"}, "given": {"type": "string"},
                    "dont_know": {"type": "boolean"},
                    "right_answers": {"type": "array", "items": {"type": "string"}},
                    "feedback": {"type": "array", "items": {"type": "object", "properties": {
                        "option": {"type": ["string", "null"]}, "chosen": {"type": "boolean"},
                        "right": {"type": "boolean"}, "html": {"type": "string"}}}},
                    "misconceptions": {"type": "array", "items": {"type": "string"}},
                    "remedies": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "string"}, "title": {"type": "string"}}}},
                    "helped": {"type": "boolean"},
                    "badges": {"type": "array", "items": _ref("Badge"), "description": "Levels this answer earned"},
                    "next": _ref("Step")}},
                "Badge": {"type": "object", "properties": {
                    "id": {"type": "string"}, "module": {"type": "string"},
                    "level": {"enum": ["bronze", "silver", "gold"]},
                    "awarded_at": {"type": "string", "format": "date-time"}, "shared": {"type": "boolean"},
                    "revoked": {"type": "boolean"}, "revoked_reason": {"type": ["string", "null"]},
                    "skills": {"type": "array", "items": {"type": "string"}}}},
                "PassportModule": {"type": "object", "properties": {
                    "module": {"type": "string"}, "level": {"enum": ["bronze", "silver", "gold", None]},
                    "next": {"type": "string"}, "badges": {"type": "array", "items": _ref("Badge")}}},
                "Token": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"},
                    "this": {"type": "boolean", "description": "The token this request used"}}},
                "SkillLevel": {"type": "object", "properties": {
                    "id": {"type": "string"}, "title": {"type": "string"}, "module": {"type": "string"},
                    "level": {"enum": ["not started", "learning", "secure", "mastered"]},
                    "estimate": {"type": "number", "minimum": 0, "maximum": 1},
                    "review_due": {"type": "boolean",
                                   "description": "Mastered, and due for a quick review: the level stays"},
                    "answers": {"type": "integer"}}},
            },
        },
    }

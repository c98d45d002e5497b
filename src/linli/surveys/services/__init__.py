"""Everything that writes in the questionnaire app: creating a survey (from
specs or the page's text format) and answering it."""
from linli.surveys.services._common import SurveyRefused
from linli.surveys.services.answer import respondent_homes, response_submit, visible_questions
from linli.surveys.services.create import clean_question, questions_from_text, survey_close, survey_create

__all__ = ["SurveyRefused", "clean_question", "questions_from_text", "respondent_homes", "response_submit",
           "survey_close", "survey_create", "visible_questions"]

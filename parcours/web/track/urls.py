from django.urls import path

from . import views

urlpatterns = [
    path("", views.track_home, name="track_home"),
    path("engagement/", views.engagement_plan, name="track_engagement"),
    path(
        "engagement/activities/<int:pk>/delete/",
        views.engagement_activity_delete,
        name="track_engagement_activity_delete",
    ),
    path("engagement/targets/", views.engagement_targets, name="track_engagement_targets"),
    path("supplement/", views.supplement_download, name="track_supplement_download"),
    path("courses/", views.course_list, name="track_course_list"),
    path("courses/new/", views.course_create, name="track_course_create"),
    path("courses/<int:pk>/", views.course_detail, name="track_course_detail"),
    path("courses/<int:pk>/enrol/", views.course_enrol, name="track_course_enrol"),
    path("courses/<int:pk>/withdraw/", views.course_withdraw, name="track_course_withdraw"),
    path("courses/<int:pk>/manage/", views.course_manage, name="track_course_manage"),
    path("courses/<int:pk>/edit/", views.course_edit, name="track_course_edit"),
    path("courses/<int:pk>/grades/", views.course_grades, name="track_course_grades"),
    path("courses/<int:pk>/sessions/new/", views.session_create, name="track_session_create"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="track_session_edit"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="track_session_delete"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="track_session_attendance"),
    path("enrolments/<int:pk>/<slug:action>/", views.enrolment_action, name="track_enrolment_action"),
    path("overview/", views.overview, name="track_overview"),
    path("overview/cohorts/<int:pk>/", views.cohort_detail, name="track_cohort"),
    path("students/<int:pk>/", views.student_detail, name="track_student"),
    path("students/<int:pk>/supplement/", views.supplement_issue, name="track_supplement_issue"),
    path("students/<int:pk>/award/", views.award_create, name="track_award_create"),
    path("awards/", views.award_list, name="track_awards"),
    path("awards/<int:pk>/revoke/", views.award_revoke, name="track_award_revoke"),
    path("rules/", views.rule_set_list, name="track_rule_sets"),
    path("rules/new/", views.rule_set_create, name="track_rule_set_create"),
    path("rules/<int:pk>/", views.rule_set_detail, name="track_rule_set"),
    path("rules/<int:pk>/copy/", views.rule_set_copy, name="track_rule_set_copy"),
    path(
        "rules/<int:pk>/transition/<slug:name>/", views.rule_set_transition, name="track_rule_set_transition"
    ),
    path("criteria/<int:pk>/delete/", views.criterion_delete, name="track_criterion_delete"),
    path("supplements/", views.supplement_batches, name="track_supplement_batches"),
    path("supplements/<int:pk>/", views.supplement_batch, name="track_supplement_batch"),
    path("export/sis.csv", views.sis_export, name="track_sis_export"),
]

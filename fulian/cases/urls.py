from django.urls import path

from . import views, views_more

app_name = "cases"
urlpatterns = [
    path("", views.CaseList.as_view(), name="case_list"),
    path("new/", views.case_new, name="case_new"),
    path("hotline/", views.hotline, name="hotline"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/viewers/", views.case_viewers, name="case_viewers"),
    path("<int:pk>/do/<slug:action>/", views.case_action, name="case_action"),
    path("figures/", views_more.figures, name="figures"),
    path("risk/", views_more.RiskList.as_view(), name="risk_list"),
    path("risk/new/", views_more.risk_new, name="risk_new"),
    path("risk/<int:pk>/", views_more.risk_detail, name="risk_detail"),
    path("risk/visits/<int:pk>/", views_more.screening_record, name="screening_record"),
    path("enquiries/", views_more.EnquiryList.as_view(), name="enquiry_list"),
    path("enquiries/new/", views_more.enquiry_new, name="enquiry_new"),
    path("enquiries/<int:pk>/", views_more.enquiry_detail, name="enquiry_detail"),
    path("enquiries/<int:pk>/do/<slug:action>/", views_more.enquiry_action, name="enquiry_action"),
    path("categories/", views_more.category_list, name="category_list"),
    path("categories/<int:pk>/", views_more.category_list, name="category_edit"),
]

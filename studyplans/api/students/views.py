"""``GET /api/v1/students``: the students an instructor teaches, through links or a school."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from cfipros.api.problems import problem_response
from studyplans.api.students.serializers import StudentSerializer
from studyplans.students.selectors import student_rows, students_list


@extend_schema(tags=["students"])
class StudentViewSet(viewsets.GenericViewSet):
    serializer_class = StudentSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list[type] = []  # no search or ordering: a fixed order, documented as such
    queryset = User.objects.none()  # names the model for the schema; list() reads students_list

    @extend_schema(
        summary="The caller's students, by name",
        description=(
            "Students of the caller's active links and, where the caller is an instructor or an "
            "admin of an organization, its students. Empty for anyone who teaches nobody."
        ),
        responses={200: StudentSerializer(many=True), 422: problem_response("A page parameter is invalid")},
    )
    def list(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        page = self.paginate_queryset(students_list(request.user))
        assert page is not None
        rows = student_rows(page, today=timezone.localdate())
        return self.get_paginated_response(StudentSerializer(rows, many=True).data)

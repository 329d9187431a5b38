from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=N``; 50 rows a page unless ``?page_size=`` asks for up to 500.

    A ``page_size`` that is not a positive whole number is a 400 (not silently ignored);
    more than 500 is capped at 500.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request) -> int:
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        value = values[-1]
        if len(values) > 1 or not (value.isascii() and value.isdigit()) or int(value) < 1:
            raise ValidationError(
                {
                    "page_size": [
                        f"page_size: “{value}” is not a number of rows; give one whole number "
                        f"from 1 to {self.max_page_size} (for example page_size=100)."
                    ]
                }
            )
        return min(int(value), self.max_page_size)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = "Rows a page: 50 unless given; more than 500 is 500."
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters

"""{{ project_name }}: {{ description }}"""

__version__ = "{{ version }}"

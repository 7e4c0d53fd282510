from incidents import create_app

app = create_app()
